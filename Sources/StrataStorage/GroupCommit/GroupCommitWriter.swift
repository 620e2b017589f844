import Dispatch
import StrataModel
import Synchronization

/// The single writer of one database. Requests queue up while the current
/// transaction commits; the next drain applies all of them in one
/// transaction (group commit), each inside its own savepoint so that a
/// request that fails (a condition, say) rolls back alone. `Transaction`
/// says what a transaction accumulates beside its SQL changes.
final class GroupCommitWriter<Transaction: GroupCommitTransaction>: Sendable {
    private struct Job: Sendable {
        /// Applies the request; returns whether it succeeded and how to answer it once committed.
        let apply: @Sendable (Transaction) -> (succeeded: Bool, answer: @Sendable () -> Void)
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
        var closed = false
    }

    /// Requests applied per transaction at most, so that one commit never waits on an unbounded batch.
    static var maximumBatch: Int { 512 }

    private let queue: DispatchQueue
    /// Used only on `queue`.
    private let connection: SQLiteConnection
    private let state = Mutex(State())
    private let committedTotals: Mutex<Transaction.Totals>
    /// Told the bytes each commit added to the write-ahead log.
    private let checkpointer: Checkpointer?

    /// The write-ahead log's size after the last commit, as the
    /// checkpointer saw it (0 for a database it does not watch).
    var logBytes: Int {
        checkpointer?.logBytes ?? 0
    }
    private let context: Transaction.Context

    init(
        connection: SQLiteConnection, label: String, totals: Transaction.Totals, checkpointer: Checkpointer?,
        context: Transaction.Context
    ) {
        self.connection = connection
        self.context = context
        self.queue = DispatchQueue(label: label)
        self.committedTotals = Mutex(totals)
        self.checkpointer = checkpointer
        if checkpointer != nil { try? connection.trackLogSize() }
    }

    /// What every committed transaction added up to.
    var totals: Transaction.Totals {
        committedTotals.withLock { $0 }
    }

    /// Runs `body` inside the next group transaction; its result is
    /// returned once that transaction has committed.
    func submit<T: Sendable>(_ body: @escaping @Sendable (Transaction) throws -> T) async throws -> T {
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

    /// Only on `queue`.
    private func drain() {
        while true {
            let (jobs, waiting) = state.withLock { state -> ([Job], Int) in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return (batch, state.pending.count)
            }
            if jobs.isEmpty { return }
            WriterMetrics.batchSize.record(jobs.count)
            WriterMetrics.queueDepth.record(waiting)
            runBatch(jobs)
        }
    }

    private func runBatch(_ jobs: [Job]) {
        let transaction = Transaction(connection: connection, context: context)
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(jobs.count)
        do {
            try inTransaction(transaction) {
                for job in jobs {
                    try connection.statement(BatchStatements.savepoint) { "SAVEPOINT request" }.run()
                    let savepoint = transaction.savepoint
                    let outcome = job.apply(transaction)
                    if !outcome.succeeded {
                        try connection.statement(BatchStatements.rollBackToSavepoint) { "ROLLBACK TO request" }.run()
                        transaction.rollBack(to: savepoint)
                    }
                    try connection.statement(BatchStatements.releaseSavepoint) { "RELEASE request" }.run()
                    answers.append(outcome.answer)
                }
            }
        } catch {
            for job in jobs { job.fail(DynamoError.internalFailure("The storage engine failed: \(error)")) }
            return
        }
        let committed = answers
        transaction.deliver { for answer in committed { answer() } }
    }

    /// Runs `body` in one transaction of its own, now, on the calling
    /// thread once queued requests are done. Refused, as `submit` is, once
    /// the writer is closing.
    func writeNow<T>(_ body: (Transaction) throws -> T) throws -> T {
        try queue.sync {
            // `finish` runs on `queue` after `closed` is set: checked here, it cannot have run.
            guard !state.withLock({ $0.closed }) else { throw DynamoError.resourceNotFound("Requested resource not found") }
            let transaction = Transaction(connection: connection, context: context)
            var result: T?
            try inTransaction(transaction) { result = try body(transaction) }
            return result!
        }
    }

    /// Commits what `body` does; rolls all of it back if anything throws.
    /// Only on `queue`.
    private func inTransaction(_ transaction: Transaction, _ body: () throws -> Void) throws {
        do {
            try connection.statement(BatchStatements.begin) { "BEGIN IMMEDIATE" }.run()
            try body()
            try transaction.willCommit()
            try connection.statement(BatchStatements.commit) { "COMMIT" }.run()
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        committedTotals.withLock { transaction.addCommitted(to: &$0) }
        if let checkpointer, checkpointer.noteCommitted(logBytes: connection.logBytes) {
            // PASSIVE: readers keep going; the next commit starts the log over.
            do {
                try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            } catch {
                checkpointer.failed()
            }
        }
    }

    /// Empties the write-ahead log if no commit wrote to it since the
    /// previous call (`Checkpointer.isIdleWithLogToEmpty`), between
    /// transactions. A reader still on the log leaves it for the next call.
    func emptyLogIfIdle() async throws {
        guard let checkpointer, checkpointer.isIdleWithLogToEmpty() else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                guard !self.state.withLock({ $0.closed }) else { return continuation.resume() }
                do {
                    if try self.connection.emptyLog() { checkpointer.emptied() }
                    continuation.resume()
                } catch {
                    checkpointer.failed()
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Refuses new requests, finishes the queued ones, then closes the
    /// connection; waits without holding a thread.
    func close() async {
        state.withLock { $0.closed = true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.finish()
                continuation.resume()
            }
        }
    }

    /// The same, blocking the calling thread: for a writer with nothing
    /// queued (an idle partition closed to free its descriptors).
    func closeNow() {
        state.withLock { $0.closed = true }
        queue.sync { finish() }
    }

    /// Only on `queue`, once closed.
    private func finish() {
        // Requests accepted just before `closed` may not have drained yet.
        drain()
        // Leave the database file whole and the log empty.
        if !connection.path.hasPrefix("file:") {
            try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        connection.close()
    }
}

/// The statements of every batch, slotted (`StatementSlot`).
private enum BatchStatements {
    static let begin = StatementSlot()
    static let commit = StatementSlot()
    static let savepoint = StatementSlot()
    static let rollBackToSavepoint = StatementSlot()
    static let releaseSavepoint = StatementSlot()
}
