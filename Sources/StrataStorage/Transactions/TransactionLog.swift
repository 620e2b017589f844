import StrataModel
import Synchronization

/// The coordinator log of write transactions, a SQLite database of its own.
/// Committing a transaction's record here is the transaction's commit
/// point; the record stays until every partition has applied it. Records
/// of transactions that came with a client token stay, marked applied, for
/// the token's idempotency window.
final class TransactionLog: Sendable {
    /// A record committed but not known to be applied, found at start-up.
    struct Pending {
        let id: Int
        let record: TransactionRecord
    }

    /// A token seen within its window, found at start-up.
    struct RecentToken {
        let token: TransactionToken
        let created: Int
    }

    /// How long a client token is remembered.
    static let tokenWindowSeconds = 600

    /// A group transaction of the log: its SQL changes are all it has.
    final class Batch: GroupCommitTransaction {
        let connection: SQLiteConnection

        init(connection: SQLiteConnection, context: Void) {
            self.connection = connection
        }

        var savepoint: Void { () }
        func rollBack(to savepoint: Void) {}
        func willCommit() throws {}
        func addCommitted(to totals: inout Void) {}
    }

    private let writer: GroupCommitWriter<Batch>
    private let checkpointConnection: CheckpointConnection?
    private let lastPruned = Mutex(0)

    /// Opens the log, creating it if needed.
    init(location: DatabaseLocation, durability: StorageOptions.Durability, checkpoints: CheckpointRequests) throws {
        let connection = try SQLiteConnection(location)
        try FormatVersion.prepare(connection, .transactionLog, at: location, durability: durability)
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS transactions(
                id INTEGER PRIMARY KEY, token TEXT, fingerprint BLOB, created INTEGER NOT NULL, applied INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS transaction_writes(
                txn INTEGER NOT NULL, seq INTEGER NOT NULL, table_id TEXT NOT NULL, k BLOB NOT NULL, v BLOB, size INTEGER NOT NULL,
                PRIMARY KEY (txn, seq)) WITHOUT ROWID;
            """)
        // Records are written and deleted at the rate of transactions:
        // checkpoints must not stall commits.
        var checkpointer: Checkpointer?
        if case .file(let path) = location {
            try Checkpointer.turnOffAutomaticCheckpoints(of: connection)
            let checkpointConnection = try CheckpointConnection(path: path)
            self.checkpointConnection = checkpointConnection
            checkpointer = Checkpointer(database: checkpointConnection, requests: checkpoints)
        } else {
            self.checkpointConnection = nil
        }
        writer = GroupCommitWriter(connection: connection, label: "strata.transaction-log", totals: (), checkpointer: checkpointer, context: ())
    }

    /// The records not yet applied, oldest first.
    func pending() throws -> [Pending] {
        try writer.writeNow { transaction in
            let connection = transaction.connection
            var pending: [Pending] = []
            let records = try connection.statement("SELECT id, token, fingerprint, created FROM transactions WHERE applied = 0 ORDER BY id")
            defer { records.reset() }
            var headers: [(id: Int, token: TransactionToken?, created: Int)] = []
            while try records.step() {
                let token = records.isNull(1) ? nil : TransactionToken(token: records.text(1), fingerprint: records.blob(2))
                headers.append((records.int(0), token, records.int(3)))
            }
            let writes = try connection.statement("SELECT table_id, k, v, size FROM transaction_writes WHERE txn = ? ORDER BY seq")
            for header in headers {
                writes.bind(1, header.id)
                var record = TransactionRecord(writes: [], token: header.token, created: header.created)
                while try writes.step() {
                    let value = writes.isNull(2) ? nil : StoredItem(value: writes.blob(2), size: writes.int(3))
                    record.writes.append(.init(table: writes.text(0), key: writes.blob(1), value: value))
                }
                writes.reset()
                pending.append(Pending(id: header.id, record: record))
            }
            return pending
        }
    }

    /// The client tokens of transactions applied within the window before `now`.
    func recentTokens(now: Int) throws -> [RecentToken] {
        try writer.writeNow { transaction in
            let statement = try transaction.connection.statement(
                "SELECT token, fingerprint, created FROM transactions WHERE token IS NOT NULL AND created > ?")
            defer { statement.reset() }
            statement.bind(1, now - Self.tokenWindowSeconds)
            var tokens: [RecentToken] = []
            while try statement.step() {
                tokens.append(RecentToken(token: TransactionToken(token: statement.text(0), fingerprint: statement.blob(1)), created: statement.int(2)))
            }
            return tokens
        }
    }

    /// Commits the record: from here on the transaction happens, even if
    /// the server dies before applying it. Returns the record's id.
    func commit(_ record: TransactionRecord) async throws -> Int {
        try await writer.submit { transaction in
            let connection = transaction.connection
            let header = try connection.statement("INSERT INTO transactions(token, fingerprint, created, applied) VALUES (?, ?, ?, 0)")
            if let token = record.token {
                header.bind(1, token.token)
                header.bind(2, token.fingerprint)
            }
            header.bind(3, record.created)
            try header.run()
            let id = connection.lastInsertedRow
            let write = try connection.statement("INSERT INTO transaction_writes(txn, seq, table_id, k, v, size) VALUES (?, ?, ?, ?, ?, ?)")
            for (seq, change) in record.writes.enumerated() {
                write.bind(1, id)
                write.bind(2, seq)
                write.bind(3, change.table)
                write.bind(4, change.key)
                if let value = change.value {
                    write.bind(5, value.value)
                    write.bind(6, value.size)
                } else {
                    write.bind(6, 0)
                }
                try write.run()
            }
            return id
        }
    }

    /// Forgets the record's changes once every partition holds them.
    func markApplied(_ id: Int, now: Int) async throws {
        let prune = lastPruned.withLock { last in
            guard now - last >= 60 else { return false }
            last = now
            return true
        }
        try await writer.submit { transaction in
            try Self.markApplied(id, now: now, prune: prune, in: transaction.connection)
        }
    }

    /// The same, at start-up.
    func markAppliedNow(_ id: Int, now: Int) throws {
        try writer.writeNow { transaction in
            try Self.markApplied(id, now: now, prune: true, in: transaction.connection)
        }
    }

    private static func markApplied(_ id: Int, now: Int, prune: Bool, in connection: SQLiteConnection) throws {
        let writes = try connection.statement("DELETE FROM transaction_writes WHERE txn = ?")
        writes.bind(1, id)
        try writes.run()
        // A record without a token has nothing left to remember.
        let header = try connection.statement("DELETE FROM transactions WHERE id = ? AND token IS NULL")
        header.bind(1, id)
        try header.run()
        let applied = try connection.statement("UPDATE transactions SET applied = 1 WHERE id = ?")
        applied.bind(1, id)
        try applied.run()
        if prune {
            let expired = try connection.statement("DELETE FROM transactions WHERE applied = 1 AND created <= ?")
            expired.bind(1, now - tokenWindowSeconds)
            try expired.run()
        }
    }

    /// Empties the log's write-ahead log if nothing wrote to it since the last call.
    func emptyLogIfIdle() async throws {
        try await writer.emptyLogIfIdle()
    }

    func close() async {
        await writer.close()
        checkpointConnection?.close()
    }
}
