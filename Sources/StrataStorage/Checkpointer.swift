import Synchronization

/// Copies a database's write-ahead log back into its file, off its writer.
/// SQLite would otherwise checkpoint inside a commit, and that commit (with
/// its fsync of the database file) would stall every request waiting on
/// the writer. The writer tells it what each commit wrote; once enough has
/// piled up it asks the engine's background work for a checkpoint.
final class Checkpointer: Sendable {
    /// Bytes of items committed between checkpoints: about SQLite's own
    /// default of 1000 pages.
    static let threshold = 4 * 1024 * 1024

    private struct State {
        var bytesSinceCheckpoint = 0
        var requested = false
    }

    /// Its own connection, so that checkpoints never wait on the writer;
    /// nil once closed. The lock makes `close` wait for a running checkpoint.
    private let connection: Mutex<SQLiteConnection?>
    private let requests: CheckpointRequests
    private let state = Mutex(State())
    let path: String

    private init(path: String, requests: CheckpointRequests) throws {
        self.path = path
        connection = Mutex(try SQLiteConnection(.file(path)))
        self.requests = requests
    }

    /// Takes checkpoints of `location` off its writer `connection`, whose own
    /// automatic checkpoints it turns off; nil for an in-memory database.
    static func replacingAutomaticCheckpoints(
        of connection: SQLiteConnection, at location: DatabaseLocation, requests: CheckpointRequests
    ) throws -> Checkpointer? {
        guard case .file(let path) = location else { return nil }
        try connection.execute("PRAGMA wal_autocheckpoint=0")
        return try Checkpointer(path: path, requests: requests)
    }

    func noteCommitted(bytes: Int) {
        let due = state.withLock { state -> Bool in
            state.bytesSinceCheckpoint += bytes
            guard !state.requested, state.bytesSinceCheckpoint >= Self.threshold else { return false }
            state.requested = true
            state.bytesSinceCheckpoint = 0
            return true
        }
        if due { requests.submit(self) }
    }

    /// Blocks while SQLite copies the log; on the storage threads only.
    func checkpoint() throws {
        defer { state.withLock { $0.requested = false } }
        // PASSIVE never blocks the writer or readers; the writer restarts
        // the log once all of it has been copied.
        try connection.withLock { try $0?.execute("PRAGMA wal_checkpoint(PASSIVE)") }
    }

    func close() {
        connection.withLock { connection in
            connection?.close()
            connection = nil
        }
    }
}
