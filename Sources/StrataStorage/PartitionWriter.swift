import Dispatch
import StrataModel
import Synchronization

/// The single writer of one partition. Requests queue up while the current
/// transaction commits; the next drain applies all of them in one
/// transaction (group commit), each inside its own savepoint so that a
/// request that fails (a condition, say) rolls back alone.
final class PartitionWriter: Sendable {
    private struct Job: Sendable {
        /// Applies the request; returns whether it succeeded and how to answer it once committed.
        let apply: @Sendable (PartitionTransaction) -> (succeeded: Bool, answer: @Sendable () -> Void)
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
        var closed = false
    }

    /// Requests applied per transaction at most, so that one commit never waits on an unbounded batch.
    static let maximumBatch = 512

    private let queue: DispatchQueue
    /// Used only on `queue`.
    private let connection: SQLiteConnection
    private let state = Mutex(State())
    let statistics: Mutex<PartitionStatistics>
    /// Told the bytes of item data each transaction committed.
    private let committed: @Sendable (Int) -> Void

    init(connection: SQLiteConnection, label: String, statistics: PartitionStatistics, committed: @escaping @Sendable (Int) -> Void) {
        self.connection = connection
        self.queue = DispatchQueue(label: label)
        self.statistics = Mutex(statistics)
        self.committed = committed
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (PartitionTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                apply: { transaction in
                    do {
                        let value = try body(transaction)
                        return (true, { continuation.resume(returning: value) })
                    } catch {
                        return (false, { continuation.resume(throwing: error) })
                    }
                },
                fail: { continuation.resume(throwing: $0) })
            enqueue(job)
        }
    }

    private func enqueue(_ job: Job) {
        let (accepted, startDrain) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            state.pending.append(job)
            guard !state.draining else { return (true, false) }
            state.draining = true
            return (true, true)
        }
        guard accepted else {
            job.fail(DynamoError.resourceNotFound("Requested resource not found"))
            return
        }
        if startDrain {
            queue.async { self.drain() }
        }
    }

    private func drain() {
        while true {
            let jobs = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if jobs.isEmpty { return }
            runBatch(jobs)
        }
    }

    private func runBatch(_ jobs: [Job]) {
        let transaction = PartitionTransaction(connection: connection)
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(jobs.count)
        do {
            try inTransaction(transaction) {
                for job in jobs {
                    try connection.statement("SAVEPOINT request").run()
                    let before = transaction.delta
                    let outcome = job.apply(transaction)
                    if !outcome.succeeded {
                        try connection.statement("ROLLBACK TO request").run()
                        transaction.delta = before
                    }
                    try connection.statement("RELEASE request").run()
                    answers.append(outcome.answer)
                }
            }
        } catch {
            for job in jobs { job.fail(DynamoError.internalFailure("The storage engine failed: \(error)")) }
            return
        }
        for answer in answers { answer() }
    }

    /// Runs `body` in one transaction of its own, now, on the calling
    /// thread once queued requests are done: for start-up work, before
    /// any request arrives.
    func writeNow<T>(_ body: (PartitionTransaction) throws -> T) throws -> T {
        try queue.sync {
            let transaction = PartitionTransaction(connection: connection)
            var result: T?
            try inTransaction(transaction) { result = try body(transaction) }
            return result!
        }
    }

    /// Commits what `body` does, with the statistics it changed; rolls all
    /// of it back if anything throws. Only on `queue`.
    private func inTransaction(_ transaction: PartitionTransaction, _ body: () throws -> Void) throws {
        do {
            try connection.statement("BEGIN IMMEDIATE").run()
            try body()
            try transaction.recordStatistics()
            try connection.statement("COMMIT").run()
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        let delta = transaction.delta
        statistics.withLock { $0.add(delta) }
        committed(transaction.bytesWritten)
    }

    /// Refuses new requests, waits for the queued ones, then closes the connection.
    func close() {
        state.withLock { $0.closed = true }
        queue.sync {
            // Leave the database file whole and the log empty.
            if !connection.path.hasPrefix("file:") {
                try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            }
            connection.close()
        }
    }
}

/// What a write request sees of its partition during the group transaction.
/// Only valid inside the request's body, on the writer's queue.
final class PartitionTransaction {
    struct Stored: Sendable {
        var value: [UInt8]
        var size: Int
    }

    /// The writer's connection, for stores other than a partition's items
    /// (the transaction log) that share the writer's group commit.
    let connection: SQLiteConnection
    var delta = PartitionStatistics()
    /// Item bytes written, including those of requests later rolled back.
    private(set) var bytesWritten = 0

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    func current(_ key: [UInt8]) throws -> Stored? {
        let statement = try connection.statement("SELECT v, size FROM items WHERE k = ?")
        statement.bind(1, key)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return Stored(value: statement.blob(0), size: statement.int(1))
    }

    func put(_ key: [UInt8], _ new: Stored, replacing old: Stored?) throws {
        let statement = try connection.statement(
            "INSERT INTO items(k, v, size) VALUES (?, ?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v, size = excluded.size")
        statement.bind(1, key)
        statement.bind(2, new.value)
        statement.bind(3, new.size)
        try statement.run()
        noteWritten(bytes: new.value.count + key.count)
        delta.itemCount += old == nil ? 1 : 0
        delta.sizeBytes += new.size - (old?.size ?? 0)
    }

    /// Counts bytes written to the log, toward the next checkpoint.
    func noteWritten(bytes: Int) {
        bytesWritten += bytes
    }

    func delete(_ key: [UInt8], existing: Stored) throws {
        let statement = try connection.statement("DELETE FROM items WHERE k = ?")
        statement.bind(1, key)
        try statement.run()
        delta.itemCount -= 1
        delta.sizeBytes -= existing.size
    }

    func recordStatistics() throws {
        guard delta != PartitionStatistics() else { return }
        let statement = try connection.statement("UPDATE stats SET items = items + ?, bytes = bytes + ? WHERE id = 0")
        statement.bind(1, delta.itemCount)
        statement.bind(2, delta.sizeBytes)
        try statement.run()
    }
}
