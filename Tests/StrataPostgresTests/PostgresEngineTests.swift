#if canImport(Glibc)
import Glibc
#endif
import StrataModel
import StrataPostgres
import StrataPostgresWire
import StrataStorage
import Testing

/// The database the engine tests use, if any.
enum TestDatabase {
    static var baseURL: String? {
        getenv("STRATA_TEST_POSTGRES").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The PostgreSQL engine against a real database: STRATA_TEST_POSTGRES
/// names one (`scripts/test.sh` starts it); each test gets a schema of its
/// own. Two engines over one schema are two fronts.
@Suite(.enabled(if: TestDatabase.baseURL != nil, "needs a database: STRATA_TEST_POSTGRES=postgres://..."))
struct PostgresEngineTests {
    struct Refused: Error {}

    /// A new schema's location.
    static func newSchema() throws -> PostgresLocation {
        var generator = SystemRandomNumberGenerator()
        let schema = "engine_" + String(generator.next() as UInt64, radix: 36)
        let base = try #require(TestDatabase.baseURL)
        return try PostgresLocation(url: base + (base.contains("?") ? "&" : "?") + "schema=" + schema)
    }

    /// `count` engines over one new schema (or `location`'s).
    static func fronts(
        _ count: Int, options: StorageOptions = StorageOptions(dataDirectory: nil, partitionsPerTable: 4),
        location: PostgresLocation? = nil, operationTimeout: Duration = .seconds(5), putsWait: PutsWait = .whenQueueing
    ) async throws -> [PostgresStorageEngine] {
        let location = try location ?? newSchema()
        var engines: [PostgresStorageEngine] = []
        for index in 0..<count {
            var postgres = PostgresOptions(location: location, frontID: "front-\(index)")
            // Tests run side by side: a front's connections all open at its start.
            postgres.maximumConnections = 4
            postgres.operationTimeout = operationTimeout
            postgres.putsWait = putsWait
            engines.append(try await PostgresStorageEngine.open(options: options, postgres: postgres))
        }
        return engines
    }

    /// A session of its own in `location`'s schema, outside any engine.
    static func connection(to location: PostgresLocation) throws -> PostgresConnection {
        try PostgresConnection.connect(
            ConnectionSettings(
                endpoint: location.endpoint, user: location.user, password: location.password, database: location.database,
                tls: location.tls, parameters: [("search_path", try #require(location.schema))]),
            deadline: .now.advanced(by: .seconds(5)))
    }

    static func definition(name: String, stream: Bool = false) -> TableDefinition {
        var generator = SystemRandomNumberGenerator()
        var definition = TableDefinition(
            name: name, id: String(generator.next() as UInt64, radix: 36), arn: "arn:test:\(name)", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "pk", type: .string), sortKey: KeyAttribute(name: "sk", type: .number)),
            attributeDefinitions: [KeyAttribute(name: "pk", type: .string), KeyAttribute(name: "sk", type: .number)],
            billingMode: .payPerRequest, throughput: nil)
        if stream { definition.streams = [StreamDefinition(generation: 1, viewType: .newAndOldImages, created: 0, label: "label")] }
        return definition
    }

    static func sortValue(_ key: PrimaryKey) -> Int {
        if case .n(let n)? = key.sort { Int(n.text)! } else { 0 }
    }

    static func key(_ partition: Int, _ sort: Int) -> PrimaryKey {
        PrimaryKey(partition: .s("p\(partition)"), sort: .n(DynamoNumber(sort)))
    }

    /// A transaction that waits for locks until its time is up answers a
    /// conflict (TransactionConflictException), as DynamoDB's do, and not
    /// the InternalServerError of a database that is gone: the database
    /// answered all along, each wait ending at `lock_timeout` as a race lost.
    @Test func aTransactionKeptWaitingForLocksAnswersAConflict() async throws {
        let location = try Self.newSchema()
        // The schema and table are made with the usual time: beside a whole
        // test run, making a schema has taken more than 3 s.
        let maker = try #require(try await Self.fronts(1, location: location).first)
        _ = try await maker.createTable(Self.definition(name: "held"))
        let key = Self.key(0, 0)
        let item: Item = ["pk": key.partition, "sk": key.sort!]
        _ = try await maker.replaceItem(table: "held", key: key, with: StoredItem(item))
        await maker.close()
        let engine = try #require(try await Self.fronts(1, location: location, operationTimeout: .seconds(3)).first)
        try await engine.refreshCatalog(force: true)
        let holder = try Self.connection(to: location)
        defer { holder.close() }
        // Writes wait for this lock; reads do not.
        try await holder.simpleQuery("BEGIN; LOCK TABLE strata_items IN EXCLUSIVE MODE")
        // (A put of the item as it stands writes nothing: this one changes it.)
        let changed: Item = ["pk": key.partition, "sk": key.sort!, "v": .s("changed")]
        let started = ContinuousClock.now
        await #expect(throws: TransactionConflict.self) {
            _ = try await engine.writeTransaction([TransactionTarget(table: "held", key: key)], token: nil) { _ in [.put(changed)] }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(2900))
        try await holder.simpleQuery("ROLLBACK")
        // The lock gone, the same transaction goes through.
        #expect(try await engine.writeTransaction([TransactionTarget(table: "held", key: key)], token: nil) { _ in [.put(changed)] } == .applied)
        await engine.close()
    }

    /// A database of schema version 1 (items without `replaced`) is brought
    /// up to date when a front starts, and keeps its items; one of a newer
    /// version than this Strata knows is refused.
    @Test func startUpUpgradesAnOlderSchemaAndRefusesANewerOne() async throws {
        let location = try Self.newSchema()
        let first = try #require(try await Self.fronts(1, location: location).first)
        _ = try await first.createTable(Self.definition(name: "kept"))
        let key = Self.key(0, 0)
        let item: Item = ["pk": key.partition, "sk": key.sort!, "v": .s("first")]
        #expect(try await first.replaceItem(table: "kept", key: key, with: StoredItem(item)) == nil)
        await first.close()
        let session = try Self.connection(to: location)
        defer { session.close() }
        try await session.simpleQuery("ALTER TABLE strata_items DROP COLUMN replaced; UPDATE strata_schema SET version = 1")

        let upgraded = try #require(try await Self.fronts(1, location: location).first)
        let version = try await session.query("SELECT version FROM strata_schema WHERE id = 0").first?.decode(Int.self)
        #expect(version == PostgresStorageEngine.schemaVersion)
        let second: Item = ["pk": key.partition, "sk": key.sort!, "v": .s("second")]
        #expect(try await upgraded.replaceItem(table: "kept", key: key, with: StoredItem(second)) == item.itemSize)
        #expect(try await upgraded.getItem(table: "kept", key: key)?.item() == second)
        await upgraded.close()

        try await session.simpleQuery("UPDATE strata_schema SET version = \(PostgresStorageEngine.schemaVersion + 1)")
        let refusal = await #expect(throws: (any Error).self) { _ = try await Self.fronts(1, location: location) }
        #expect("\(refusal.map { String(describing: $0) } ?? "")".contains("version \(PostgresStorageEngine.schemaVersion + 1)"))
    }

    /// Fronts started at once on a database without the schema race to
    /// create it; every one of them starts.
    @Test func frontsThatStartTogetherOnANewDatabaseAllStart() async throws {
        let location = try Self.newSchema()
        let fronts = try await withThrowingTaskGroup(of: PostgresStorageEngine.self) { group in
            for _ in 0..<4 { group.addTask { try #require(try await Self.fronts(1, location: location).first) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(fronts.count == 4)
        _ = try await fronts[0].createTable(Self.definition(name: "shared"))
        try await fronts[3].refreshCatalog(force: true)
        #expect(fronts[3].table(named: "shared") != nil)
        for front in fronts { await front.close() }
    }

    /// Random puts, deletes, refused writes, reads and queries through two
    /// fronts, each answer checked against a dictionary model.
    @Test func randomOperationsThroughTwoFrontsMatchTheModel() async throws {
        let fronts = try await Self.fronts(2)
        _ = try await fronts[0].createTable(Self.definition(name: "sim"))
        try await fronts[1].refreshCatalog(force: true)
        var model: [PrimaryKey: Item] = [:]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<600 {
            let engine = fronts[Int.random(in: 0..<2, using: &rng)]
            let key = Self.key(Int.random(in: 0..<6, using: &rng), Int.random(in: -4..<4, using: &rng))
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...1:
                let item: Item = ["pk": key.partition, "sk": key.sort!, "v": .n(DynamoNumber(Int.random(in: 0..<1000, using: &rng)))]
                let old = try await engine.writeItem(table: "sim", key: key) { ItemWrite(.put(item), result: try $0.item()) }
                #expect(old == model[key])
                model[key] = item
            case 2...3:
                // The one-statement put: it reports the replaced item's size.
                let item: Item = ["pk": key.partition, "sk": key.sort!, "w": .s(String(repeating: "w", count: Int.random(in: 0..<300, using: &rng)))]
                #expect(try await engine.replaceItem(table: "sim", key: key, with: StoredItem(item)) == model[key]?.itemSize)
                model[key] = item
            case 4...5:
                let old = try await engine.writeItem(table: "sim", key: key) { ItemWrite(.delete, result: try $0.item()) }
                #expect(old == model[key])
                model[key] = nil
            case 6:
                // A write that refuses after looking changes nothing.
                await #expect(throws: Refused.self) {
                    try await engine.writeItem(table: "sim", key: key) { _ -> ItemWrite<Int> in throw Refused() }
                }
            case 7:
                let page = try await engine.query(
                    table: "sim", partitionKey: key.partition, condition: nil, forward: false, exclusiveStart: nil, limit: PageLimit(items: nil))
                let expected = model.filter { $0.key.partition == key.partition }.sorted { Self.sortValue($0.key) > Self.sortValue($1.key) }.map(\.value)
                #expect(try page.items.map { try $0.item() } == expected)
            default:
                #expect(try await engine.getItem(table: "sim", key: key)?.item() == model[key])
            }
        }
        var scanned: [Item] = []
        for segment in 0..<3 {
            scanned += try await fronts[1].scan(table: "sim", segment: segment, totalSegments: 3, exclusiveStart: nil, limit: PageLimit(items: nil))
                .items.map { try $0.item() }
        }
        #expect(scanned.count == model.count)
        let statistics = try await fronts[0].statistics(ofTable: "sim")
        #expect(statistics.itemCount == model.count)
        #expect(statistics.sizeBytes == model.values.reduce(0) { $0 + $1.itemSize })
        for front in fronts { await front.close() }
    }

    /// Read-modify-write increments from two fronts at once lose nothing:
    /// the serialization failures are retried.
    @Test func concurrentIncrementsThroughTwoFrontsLoseNoUpdate() async throws {
        let fronts = try await Self.fronts(2)
        _ = try await fronts[0].createTable(Self.definition(name: "counter"))
        try await fronts[1].refreshCatalog(force: true)
        let key = Self.key(0, 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                let engine = fronts[task % 2]
                group.addTask {
                    for _ in 0..<25 {
                        _ = try await engine.writeItem(table: "counter", key: key) { current in
                            let count: Int = if case .n(let n)? = try current.item()?["n"] { Int(n.text)! } else { 0 }
                            return ItemWrite(.put(["pk": key.partition, "sk": key.sort!, "n": .n(DynamoNumber(count + 1))]), result: ())
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await fronts[1].getItem(table: "counter", key: key)?.item()["n"] == .n(DynamoNumber(200)))
        for front in fronts { await front.close() }
    }

    /// Concurrent writers through two fronts: each shard's sequence numbers
    /// run 1, 2, 3 … without a gap, and every write has its record.
    @Test func streamSequencesHaveNoGapsAcrossFronts() async throws {
        let fronts = try await Self.fronts(2)
        _ = try await fronts[0].createTable(Self.definition(name: "streamed", stream: true))
        try await fronts[1].refreshCatalog(force: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<6 {
                let engine = fronts[task % 2]
                group.addTask {
                    for step in 0..<30 {
                        let key = Self.key(step % 5, task)
                        let item: Item = ["pk": key.partition, "sk": key.sort!, "step": .n(DynamoNumber(step))]
                        _ = try await engine.writeItem(table: "streamed", key: key) { _ in ItemWrite(.put(item), result: ()) }
                    }
                }
            }
            try await group.waitForAll()
        }
        var total = 0
        for (shard, range) in try await fronts[1].streamShards(table: "streamed", generation: 1).enumerated() {
            let page = try await fronts[1].streamRecords(table: "streamed", shard: shard, generation: 1, from: 1, limit: 1000, maxBytes: 1 << 30)
            #expect(page.records.map(\.sequence) == Array(stride(from: 1, to: range.next, by: 1)))
            total += page.records.count
        }
        #expect(total == 180)
        for front in fronts { await front.close() }
    }

    /// A one-statement put through a front that has not yet seen the
    /// table's stream turned on elsewhere still leaves its stream record:
    /// the statement finds the table's version moved and the put takes the
    /// general path.
    @Test func aPutThroughAStaleFrontStillReachesTheStream() async throws {
        let fronts = try await Self.fronts(2)
        _ = try await fronts[0].createTable(Self.definition(name: "late"))
        try await fronts[1].refreshCatalog(force: true)
        _ = try await fronts[0].updateTable(named: "late") { definition in
            definition.streams = [StreamDefinition(generation: 1, viewType: .newAndOldImages, created: 0, label: "label")]
        }
        let key = Self.key(1, 1)
        let item: Item = ["pk": key.partition, "sk": key.sort!]
        #expect(try await fronts[1].replaceItem(table: "late", key: key, with: StoredItem(item)) == nil)
        var records = 0
        for shard in try await fronts[0].streamShards(table: "late", generation: 1).indices {
            records += try await fronts[0].streamRecords(table: "late", shard: shard, generation: 1, from: 1, limit: 10, maxBytes: 1 << 20).records.count
        }
        #expect(records == 1)
        for front in fronts { await front.close() }
    }

    /// A table another front creates appears once the catalog is read again;
    /// one it deletes disappears.
    @Test func catalogChangesReachTheOtherFront() async throws {
        let fronts = try await Self.fronts(2)
        _ = try await fronts[0].createTable(Self.definition(name: "shared"))
        #expect(fronts[1].table(named: "shared") == nil)
        try await fronts[1].refreshCatalog()
        #expect(fronts[1].table(named: "shared") != nil)
        await #expect(throws: DynamoError.self) { try await fronts[1].createTable(Self.definition(name: "shared")) }
        _ = try await fronts[1].deleteTable(named: "shared")
        try await fronts[0].refreshCatalog()
        #expect(fronts[0].tableNames() == [])
        for front in fronts { await front.close() }
    }

    /// A front's own new table stays visible to it while its catalog reloads
    /// run alongside: a reload that read the catalog before the create
    /// committed must not put back the older list.
    @Test func aFrontsOwnNewTableSurvivesConcurrentReloads() async throws {
        let front = try await Self.fronts(1)[0]
        for round in 0..<40 {
            let name = "made-\(round)"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await front.refreshCatalog(force: true) } }
                group.addTask { _ = try await front.createTable(Self.definition(name: name)) }
                try await group.waitForAll()
            }
            #expect(front.table(named: name) != nil, "round \(round)")
        }
        await front.close()
    }
}
