import StrataPostgresWire
import Synchronization

/// The connection pool, with the two ways Strata uses it: a read on a
/// pooled connection, and a transaction that retries serialization
/// failures. Every use is bounded by `operationTimeout`, so that a request
/// never hangs on a database that is gone: it gets InternalServerError,
/// which every SDK retries, and the pool reconnects by itself.
///
/// Requests run on `executor`'s loops, which also watch the connections'
/// sockets: a request that sent a statement suspends, and its loop resumes
/// it when the answer arrives.
struct PostgresDatabase: Sendable {
    let pool: ConnectionPool
    let executor: DatabaseExecutor
    /// How long one use of the database may take, retries included.
    let operationTimeout: Duration
    let deadlines = Deadlines()

    enum Isolation: String {
        case serializable = "SERIALIZABLE"
        /// A snapshot that sees whole transactions only, for reads.
        case snapshot = "REPEATABLE READ READ ONLY"
    }

    /// When a use of the database starting now must end.
    func deadline() -> ContinuousClock.Instant {
        ContinuousClock.now.advanced(by: operationTimeout)
    }

    /// Runs `body` on a pooled connection, outside a transaction.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let deadline = deadline()
        return try await bounded(until: deadline) { try await pool.withConnection(deadline: deadline, body) }
    }

    /// Runs one statement outside a transaction: on an idle connection,
    /// or pipelined with the other statements waiting when every
    /// connection is busy (`ConnectionPool.run`).
    func run<Statement: ItemStatement>(_ statement: Statement, by deadline: ContinuousClock.Instant? = nil) async throws -> [Statement.Row] {
        let deadline = deadline ?? self.deadline()
        let pipelined = PipelinedStatement(sql: Statement.sql, bindings: statement.bindings)
        let rows = try await bounded(until: deadline) { try await pool.run(pipelined, deadline: deadline) }
        return try rows.map(statement.decodeRow)
    }

    /// Runs `body` in one transaction, again from the start after a
    /// serialization failure, deadlock or lock timeout (jittered backoff)
    /// until the operation's time is up; then throws `RetriesExhausted`.
    /// Whatever `body` throws itself ends the transaction unretried.
    func transaction<T: Sendable>(
        _ isolation: Isolation = .serializable, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let deadline = deadline()
        let lostRaces = LostRaces()
        do {
            return try await bounded(until: deadline) {
                try await attempts(isolation, until: deadline, lostRaces: lostRaces, body)
            }
        } catch is Unavailable where lostRaces.any {
            // The database answered and the transaction kept losing: its
            // time ran out waiting for a lock or in a retry's pause.
            throw RetriesExhausted()
        }
    }

    /// The transaction's attempts, one after another until one commits.
    private func attempts<T: Sendable>(
        _ isolation: Isolation, until deadline: ContinuousClock.Instant, lostRaces: LostRaces,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await pool.withConnection(deadline: deadline) { connection in
                    // Sent with the body's first statement: no round trip of its own.
                    connection.queue("START TRANSACTION ISOLATION LEVEL \(isolation.rawValue)")
                    let result: T
                    do {
                        result = try await body(connection)
                    } catch {
                        try? await connection.simpleQuery("ROLLBACK")
                        throw error
                    }
                    // COMMIT of a failed transaction answers ROLLBACK, without an error.
                    guard connection.transactionStatus != UInt8(ascii: "E") else {
                        try? await connection.simpleQuery("ROLLBACK")
                        throw ServerError(sqlState: "25P02", message: "the transaction failed and was rolled back")
                    }
                    do {
                        try await connection.simpleQuery("COMMIT")
                    } catch let error as WireError {
                        throw AmbiguousCommit(underlying: error)
                    } catch let error as ServerError where error.sqlState == "40003" {
                        // CockroachDB: the commit's outcome is unknown.
                        throw AmbiguousCommit(underlying: error)
                    }
                    return result
                }
            } catch let error as ServerError where Self.isRetryable(error) {
                attempt += 1
                lostRaces.note()
                // Up to 1, 2, 4 … 64 ms, at random: contenders spread out.
                let ceiling = 1 << min(attempt, 6)
                let pause = Duration.microseconds(Int.random(in: 100...(ceiling * 1000)))
                guard ContinuousClock.now.advanced(by: pause) < deadline else { throw RetriesExhausted() }
                try await Task.sleep(for: pause)
            }
        }
    }

    /// Serialization failure, deadlock, a lock waited for longer than
    /// `lock_timeout`, or a unique key two transactions inserted at once:
    /// the transaction lost a race and may run again.
    static func isRetryable(_ error: ServerError) -> Bool {
        ["40001", "40P01", "55P03", "23505"].contains(error.sqlState)
    }

    /// `body` by `deadline` (the operation's time from its start), or `Unavailable`.
    private func bounded<T: Sendable>(
        until deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await deadlines.bounded(until: deadline, timeout: operationTimeout, body)
    }
}

/// The transaction kept losing races until its time was up.
struct RetriesExhausted: Error {}

/// Whether a transaction's attempts lost a race yet.
private final class LostRaces: Sendable {
    private let count = Atomic<Int>(0)
    var any: Bool { count.load(ordering: .relaxed) > 0 }
    func note() { count.add(1, ordering: .relaxed) }
}

/// The database did not answer in time, or at all.
struct Unavailable: Error, CustomStringConvertible {
    let reason: String
    var description: String { "The database is unavailable: \(reason)" }
}

/// COMMIT was sent and the connection failed before its answer: the
/// transaction may or may not have committed.
struct AmbiguousCommit: Error {
    let underlying: any Error
}
