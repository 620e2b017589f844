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
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (releasing, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection(deadline: Self.soon) { _ in
                holding.yield()
                for await _ in releasing { break }
            }
        }
        for await _ in held { break }
        let waiter = Task { try await pool.withConnection(deadline: Self.soon) { _ in } }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        release.yield()
        try await holder.value
        // The session went back to the pool, not to the cancelled waiter.
        let backend = try await pool.withConnection(deadline: Self.soon) { try await Self.backend($0) }
        #expect(backend > 0)
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

/// What happened, in order, across tasks.
final class Events: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var list: [String] { events.withLock { $0 } }
}
