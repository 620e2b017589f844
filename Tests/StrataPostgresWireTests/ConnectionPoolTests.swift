import StrataPostgresWire
import Synchronization
import Testing

@Suite(.enabled(if: LiveDatabase.settings != nil, "needs a database: STRATA_TEST_POSTGRES=postgres://..."))
struct ConnectionPoolTests {
    /// Sessions that block their thread, or (`looped`) that a database executor's loops watch.
    static func pool(_ maximum: Int, looped: Bool) throws -> ConnectionPool {
        ConnectionPool(
            settings: try #require(LiveDatabase.settings), maximumConnections: maximum, executor: looped ? DatabaseExecutor(threads: 2) : nil)
    }

    static var soon: ContinuousClock.Instant { .now.advanced(by: .seconds(5)) }

    static func backend(_ connection: PostgresConnection) async throws -> Int {
        try #require(try await connection.query("SELECT pg_backend_pid()::int8").first).decode(Int.self)
    }

    @Test(arguments: [false, true]) func aSessionIsKeptAndReused(looped: Bool) async throws {
        let pool = try Self.pool(2, looped: looped)
        defer { pool.close() }
        let first = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) }
        let second = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) }
        #expect(first == second)
    }

    @Test(arguments: [false, true]) func openAllOpensEverySessionAhead(looped: Bool) async throws {
        var settings = try #require(LiveDatabase.settings)
        var generator = SystemRandomNumberGenerator()
        let name = "pool_" + String(generator.next() as UInt64, radix: 36)
        settings.parameters = [("application_name", name)]
        let pool = ConnectionPool(settings: settings, maximumConnections: 3, executor: looped ? DatabaseExecutor(threads: 1) : nil)
        defer { pool.close() }
        await pool.openAll(deadline: Self.soon)
        let observer = try LiveDatabase.connect()
        var bindings = PostgresBindings()
        bindings.append(name)
        let sessions = try await observer.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", bindings)[0].decode(Int.self)
        #expect(sessions == 3)
        // Every use now finds its session open.
        for _ in 0..<3 { _ = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) } }
        #expect(try await observer.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", bindings)[0].decode(Int.self) == 3)
    }

    @Test(arguments: [false, true]) func aUseWaitsForTheOnlySessionToComeBack(looped: Bool) async throws {
        let pool = try Self.pool(1, looped: looped)
        defer { pool.close() }
        let events = Events()
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (releasing, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection(deadline: Self.soon) { connection in
                holding.yield()
                for await _ in releasing { break }
                events.append("holder done")
                return try await Self.backend(connection)
            }
        }
        for await _ in held { break }
        let waiter = Task {
            try await pool.withConnection(deadline: Self.soon) { connection in
                events.append("waiter ran")
                return try await Self.backend(connection)
            }
        }
        release.yield()
        let (holderBackend, waiterBackend) = (try await holder.value, try await waiter.value)
        #expect(events.list == ["holder done", "waiter ran"])
        #expect(holderBackend == waiterBackend)
    }

    @Test(arguments: [false, true]) func aBrokenSessionIsReplacedByANewOne(looped: Bool) async throws {
        let pool = try Self.pool(1, looped: looped)
        defer { pool.close() }
        let first = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) }
        await #expect(throws: WireError.timedOut) {
            try await pool.withConnection(deadline: .now.advanced(by: .milliseconds(100))) { connection in
                _ = try await connection.query("SELECT pg_sleep(1)")
            }
        }
        let second = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) }
        #expect(first != second)
    }

    @Test(arguments: [false, true]) func aCancelledWaiterLeavesTheQueue(looped: Bool) async throws {
        let pool = try Self.pool(1, looped: looped)
        defer { pool.close() }
        try await Self.holdingTheSession(of: pool) {
            let waiter = Task { try await pool.withConnection(deadline: Self.soon) { _ in } }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
        }
        // The session went back to the pool, not to the cancelled waiter.
        let backend = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) }
        #expect(backend > 0)
    }

    static func statement(_ sql: String, _ value: Int) -> PipelinedStatement {
        var bindings = PostgresBindings()
        bindings.append(value)
        return PipelinedStatement(sql: sql, bindings: bindings)
    }

    /// Holds the pool's only session until `body` has run, then gives it back.
    static func holdingTheSession(of pool: ConnectionPool, _ body: () async throws -> Void) async throws {
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (releasing, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection(deadline: Self.soon) { _ in
                holding.yield()
                for await _ in releasing { break }
            }
        }
        for await _ in held { break }
        try await body()
        release.yield()
        try await holder.value
    }

    /// Starts `statements` one after another, each in line before the next starts.
    static func queue(_ statements: [PipelinedStatement], on pool: ConnectionPool) async -> [Task<[PostgresRow], any Error>] {
        var tasks: [Task<[PostgresRow], any Error>] = []
        for statement in statements {
            let waiting = pool.statementsWaiting
            tasks.append(Task { try await pool.run(statement, deadline: Self.soon) })
            while pool.statementsWaiting == waiting { await Task.yield() }
        }
        return tasks
    }

    /// Statements that wait for the only session go out together when it
    /// comes back, and each gets its own answer, or its own error.
    @Test(arguments: [false, true]) func statementsInLineShareOneSessionAndKeepTheirAnswers(looped: Bool) async throws {
        let pool = try Self.pool(1, looped: looped)
        defer { pool.close() }
        let before = try await pool.run(PipelinedStatement(sql: "SELECT pg_backend_pid()::int8", bindings: PostgresBindings()), deadline: Self.soon)
        var tasks: [Task<[PostgresRow], any Error>] = []
        try await Self.holdingTheSession(of: pool) {
            tasks = await Self.queue([0, 1, 2, 0, 4].map { Self.statement("SELECT 100 / $1::int8 + pg_backend_pid() * 0", $0) }, on: pool)
        }
        let answers = await tasks.asyncMap { try? await $0.value.first?.decode(Int.self) }
        #expect(answers == [nil, 100, 50, nil, 25])
        #expect(pool.statementsWaiting == 0)
        let after = try await pool.run(PipelinedStatement(sql: "SELECT pg_backend_pid()::int8", bindings: PostgresBindings()), deadline: Self.soon)
        #expect(try before.first?.decode(Int.self) == after.first?.decode(Int.self))
    }

    /// A session that breaks in the middle of a pipeline fails the
    /// statements it had not answered; the next use gets a new session.
    @Test(arguments: [false, true]) func aSessionLostInAPipelineFailsWhatItHadNotAnswered(looped: Bool) async throws {
        let pool = try Self.pool(1, looped: looped)
        defer { pool.close() }
        var tasks: [Task<[PostgresRow], any Error>] = []
        try await Self.holdingTheSession(of: pool) {
            tasks = await Self.queue([
                Self.statement("SELECT $1::int8", 1),
                Self.statement("SELECT pg_terminate_backend(pg_backend_pid())::int::int8 + $1::int8", 0),
                Self.statement("SELECT $1::int8", 3),
            ], on: pool)
        }
        #expect(try await tasks[0].value.first?.decode(Int.self) == 1)
        await #expect(throws: (any Error).self) { try await tasks[1].value }
        await #expect(throws: (any Error).self) { try await tasks[2].value }
        #expect(try await pool.run(Self.statement("SELECT $1::int8", 4), deadline: Self.soon).first?.decode(Int.self) == 4)
    }

    /// A statement with a large answer, then statements with large values:
    /// one write of them all would wait for the database to read, while
    /// the database waits for its first answer to be read. They go out in
    /// pipelines small enough for the sockets' buffers, and all succeed.
    @Test(arguments: [false, true]) func largeStatementsInLineDoNotWaitForEachOther(looped: Bool) async throws {
        let pool = try Self.pool(1, looped: looped)
        defer { pool.close() }
        let value = [UInt8](repeating: 7, count: 300_000)
        var large = PostgresBindings()
        large.append(Bytea(value))
        var tasks: [Task<[PostgresRow], any Error>] = []
        try await Self.holdingTheSession(of: pool) {
            tasks = await Self.queue(
                [Self.statement("SELECT repeat('x', $1::int4)", 2_000_000)]
                    + Array(repeating: PipelinedStatement(sql: "SELECT length($1::bytea)::int8", bindings: large), count: 6),
                on: pool)
        }
        #expect(try await tasks[0].value.first?.decode(String.self).utf8.count == 2_000_000)
        let lengths = try await Array(tasks.dropFirst()).asyncMap { try await $0.value.first?.decode(Int.self) }
        #expect(lengths == Array(repeating: 300_000, count: 6))
    }

    @Test(arguments: [false, true]) func anUnreachableDatabaseFailsEachUseAndFreesItsSlot(looped: Bool) async throws {
        var settings = try #require(LiveDatabase.settings)
        settings.endpoint = .socket(path: "/nonexistent/.s.PGSQL.5432")
        let pool = ConnectionPool(settings: settings, maximumConnections: 1, executor: looped ? DatabaseExecutor(threads: 1) : nil)
        defer { pool.close() }
        for _ in 0..<3 {
            await #expect(throws: WireError.self) { try await pool.withConnection(deadline: Self.soon) { _ in } }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// What happened, in order, across tasks.
final class Events: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var list: [String] { events.withLock { $0 } }
}
