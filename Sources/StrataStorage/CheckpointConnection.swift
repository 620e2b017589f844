import Synchronization

/// A connection of its own for a database's checkpoints, so that they
/// never wait on its writer (the transaction log's).
final class CheckpointConnection: Checkpointable {
    /// Nil once closed. The lock makes `close` wait for a running checkpoint.
    private let connection: Mutex<SQLiteConnection?>
    let checkpointName: String

    init(path: String) throws {
        checkpointName = path
        connection = Mutex(try SQLiteConnection(path: path))
    }

    func checkpoint() async throws {
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
