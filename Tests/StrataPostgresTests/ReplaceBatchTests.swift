import StrataModel
import StrataPostgres
import StrataPostgresWire
import StrataStorage
import Testing

/// Replacing puts that wait for a statement of their table go together
/// (`ReplaceBatcher`, here waiting whenever one is out). A lock on the
/// items table holds the first put at the database, so that the others
/// wait behind it.
@Suite(.enabled(if: TestDatabase.baseURL != nil, "needs a database: STRATA_TEST_POSTGRES=postgres://..."))
struct ReplaceBatchTests {
    typealias Engine = PostgresEngineTests

    static func item(_ key: PrimaryKey, _ text: String) -> Item {
        ["pk": key.partition, "sk": key.sort!, "v": .s(text)]
    }

    struct NeverHappened: Error {}

    /// Returns once `condition` holds; throws if it does not within 5 s.
    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw NeverHappened() }
            await Task.yield()
        }
    }

    /// Starts a put and returns once it is waiting for a statement ahead of it.
    static func waitingPut(
        _ engine: PostgresStorageEngine, table: String, key: PrimaryKey, _ item: Item
    ) async throws -> Task<Int?, any Error> {
        let waiting = engine.putsWaiting
        let put = Task { try await engine.replaceItem(table: table, key: key, with: StoredItem(item)) }
        try await waitUntil { engine.putsWaiting > waiting }
        return put
    }

    /// Holds every write to `location`'s items until the holder rolls back.
    static func holdWrites(_ location: PostgresLocation) async throws -> PostgresConnection {
        let holder = try Engine.connection(to: location)
        try await holder.simpleQuery("BEGIN; LOCK TABLE strata_items IN EXCLUSIVE MODE")
        return holder
    }

    /// Returns once `count` puts alone wait for the lock on the items of
    /// `session`'s schema.
    static func waitForLockedPuts(_ count: Int = 1, on session: PostgresConnection) async throws {
        let query = """
            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND l.relation = 'strata_items'::regclass
            AND a.query LIKE 'INSERT INTO strata_items (table_id, key, item, size) SELECT $1, $2%'
            """
        try await waitUntil { try await session.query(query).first?.decode(Int.self) == count }
    }

    @Test func putsThatWaitGoTogetherEachWithItsOwnAnswer() async throws {
        let location = try Engine.newSchema()
        let engine = try #require(try await Engine.fronts(1, location: location, putsWait: .always).first)
        _ = try await engine.createTable(Engine.definition(name: "grouped"))
        // Keys 0-3 hold items of four sizes; keys 4-7 are new.
        var before: [Int: Item] = [:]
        for n in 0..<4 {
            before[n] = Self.item(Engine.key(0, n), String(repeating: "o", count: n + 1))
            _ = try await engine.replaceItem(table: "grouped", key: Engine.key(0, n), with: StoredItem(before[n]!))
        }
        let holder = try await Self.holdWrites(location)
        defer { holder.close() }
        // The first put goes alone and waits for the lock.
        let first = Task { try await engine.replaceItem(table: "grouped", key: Engine.key(1, 0), with: StoredItem(Self.item(Engine.key(1, 0), "first"))) }
        var puts: [(Int, Item, Task<Int?, any Error>)] = []
        for n in (0..<8).reversed() {
            let item = Self.item(Engine.key(0, n), "new \(n)")
            puts.append((n, item, try await Self.waitingPut(engine, table: "grouped", key: Engine.key(0, n), item)))
        }
        // A second put of key 2 cannot share the statement of the first.
        let again = Self.item(Engine.key(0, 2), "again")
        let secondOfTwo = try await Self.waitingPut(engine, table: "grouped", key: Engine.key(0, 2), again)
        #expect(engine.putsWaiting == 9)

        try await holder.simpleQuery("ROLLBACK")
        #expect(try await first.value == nil)
        for (n, item, put) in puts {
            #expect(try await put.value == before[n]?.itemSize)
            if n != 2 { #expect(try await engine.getItem(table: "grouped", key: Engine.key(0, n))?.item() == item) }
        }
        #expect(try await secondOfTwo.value == puts.first { $0.0 == 2 }!.1.itemSize)
        #expect(try await engine.getItem(table: "grouped", key: Engine.key(0, 2))?.item() == again)
        #expect(engine.putsWaiting == 0)
        await engine.close()
    }

    /// While statements come back as fast as ever (here: none came back
    /// yet), a put does not wait for the one ahead of it.
    @Test func withoutAQueueAPutGoesAtOnce() async throws {
        let location = try Engine.newSchema()
        let engine = try #require(try await Engine.fronts(1, location: location).first)
        _ = try await engine.createTable(Engine.definition(name: "direct"))
        let session = try Engine.connection(to: location)
        defer { session.close() }
        let holder = try await Self.holdWrites(location)
        defer { holder.close() }
        let puts = (0..<2).map { n in
            Task { try await engine.replaceItem(table: "direct", key: Engine.key(0, n), with: StoredItem(Self.item(Engine.key(0, n), "direct"))) }
        }
        try await Self.waitForLockedPuts(2, on: session)
        #expect(engine.putsWaiting == 0)
        try await holder.simpleQuery("ROLLBACK")
        for put in puts { #expect(try await put.value == nil) }
        await engine.close()
    }

    /// An error of the statement (here a constraint one item breaks) is
    /// that put's alone: the others are written.
    @Test func aStatementTheDatabaseRefusesSendsEachPutAlone() async throws {
        let location = try Engine.newSchema()
        let engine = try #require(try await Engine.fronts(1, location: location, putsWait: .always).first)
        _ = try await engine.createTable(Engine.definition(name: "refused"))
        let bad = StoredItem(Self.item(Engine.key(0, 0), "refused by the database"))
        let session = try Engine.connection(to: location)
        defer { session.close() }
        try await session.simpleQuery("ALTER TABLE strata_items ADD CONSTRAINT not_this_one CHECK (octet_length(item) <> \(bad.value.count))")
        let holder = try await Self.holdWrites(location)
        defer { holder.close() }
        let first = Task { try await engine.replaceItem(table: "refused", key: Engine.key(1, 0), with: StoredItem(Self.item(Engine.key(1, 0), "first"))) }
        try await Self.waitForLockedPuts(on: session)
        let refused = Task { try await engine.replaceItem(table: "refused", key: Engine.key(0, 0), with: bad) }
        try await Self.waitUntil { engine.putsWaiting == 1 }
        var good: [(PrimaryKey, Item, Task<Int?, any Error>)] = []
        for n in 1..<4 {
            let key = Engine.key(0, n)
            good.append((key, Self.item(key, "good"), try await Self.waitingPut(engine, table: "refused", key: key, Self.item(key, "good"))))
        }
        try await holder.simpleQuery("ROLLBACK")
        // The statement of the four fails; each put then goes alone.
        await #expect(throws: (any Error).self) { _ = try await refused.value }
        #expect(try await first.value == nil)
        for (key, item, put) in good {
            #expect(try await put.value == nil)
            #expect(try await engine.getItem(table: "refused", key: key)?.item() == item)
        }
        #expect(try await engine.getItem(table: "refused", key: Engine.key(0, 0)) == nil)
        await engine.close()
    }
}
