import Dispatch
import Synchronization

/// Copies a partition's write-ahead log back into its database file on a
/// queue of its own. SQLite would otherwise checkpoint inside a commit, and
/// that commit (with its fsync of the database file) would stall every
/// request waiting on the writer.
final class Checkpointer: Sendable {
    /// Bytes of items committed between checkpoints: about SQLite's own
    /// default of 1000 pages.
    static let threshold = 4 * 1024 * 1024

    private struct State {
        var bytesSinceCheckpoint = 0
        var running = false
    }

    private let queue: DispatchQueue
    /// Used only on `queue`.
    private let connection: SQLiteConnection
    private let state = Mutex(State())

    init(path: String) throws {
        connection = try SQLiteConnection(path: path)
        queue = DispatchQueue(label: "strata.checkpoint.\(path)")
    }

    /// Takes checkpoints of `location` off its writer `connection`, whose own
    /// automatic checkpoints it turns off; nil for an in-memory database.
    static func replacingAutomaticCheckpoints(of connection: SQLiteConnection, at location: DatabaseLocation) throws -> Checkpointer? {
        guard case .file(let path) = location else { return nil }
        try connection.execute("PRAGMA wal_autocheckpoint=0")
        return try Checkpointer(path: path)
    }

    func noteCommitted(bytes: Int) {
        let start = state.withLock { state -> Bool in
            state.bytesSinceCheckpoint += bytes
            guard !state.running, state.bytesSinceCheckpoint >= Self.threshold else { return false }
            state.running = true
            state.bytesSinceCheckpoint = 0
            return true
        }
        guard start else { return }
        queue.async { [self] in
            // PASSIVE never blocks the writer or readers; the writer restarts
            // the log once all of it has been copied.
            try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            state.withLock { $0.running = false }
        }
    }

    func close() {
        queue.sync { connection.close() }
    }
}
