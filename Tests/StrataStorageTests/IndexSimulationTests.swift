import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// Drives a table with two global indexes (one keyed by several
/// attributes) and a local index with random writes, single, concurrent
/// and transactional, beside a dictionary model; after each phase every
/// index must hold exactly the model's projection, in index order.
@Suite struct IndexSimulationTests {
    static let byColor = IndexDefinition(
        name: "byColor", kind: .global,
        keySchema: IndexKeySchema(partitionKeys: [.init(name: "color", type: .string)], sortKeys: [.init(name: "size", type: .number)]),
        projection: IndexProjection(kind: .include, nonKeyAttributes: ["label"]))
    static let byTenant = IndexDefinition(
        name: "byTenant", kind: .global,
        keySchema: IndexKeySchema(
            partitionKeys: [.init(name: "tenant", type: .string), .init(name: "region", type: .string)],
            sortKeys: [.init(name: "year", type: .number), .init(name: "label", type: .string)]),
        projection: IndexProjection(kind: .all))
    static let byRank = IndexDefinition(
        name: "byRank", kind: .local,
        keySchema: IndexKeySchema(partitionKeys: [.init(name: "pk", type: .string)], sortKeys: [.init(name: "rank", type: .binary)]),
        projection: IndexProjection(kind: .keysOnly))

    static func definition() -> TableDefinition {
        var definition = TableDefinition(
            name: "indexed", id: UUID().uuidString.lowercased(), arn: "arn:test", creationTime: 0,
            keySchema: KeySchema(partitionKey: .init(name: "pk", type: .string), sortKey: .init(name: "sk", type: .number)),
            attributeDefinitions: [], billingMode: .payPerRequest, throughput: nil)
        definition.globalIndexes = [byColor, byTenant]
        definition.localIndexes = [byRank]
        return definition
    }

    /// A random item for `key`: each index attribute is there or not, so
    /// that items come and go from the indexes, and sometimes of the
    /// wrong type, which keeps an item out of an index it would be in.
    static func item(_ key: PrimaryKey, _ rng: inout some RandomNumberGenerator) -> Item {
        var item: Item = ["pk": key.partition, "sk": key.sort!]
        func maybe(_ name: String, _ value: @autoclosure () -> AttributeValue) {
            if Int.random(in: 0..<4, using: &rng) > 0 { item[name] = value() }
        }
        maybe("color", .s(["red", "green", "blue"].randomElement(using: &rng)!))
        maybe("size", .n(DynamoNumber(Int.random(in: -3...3, using: &rng))))
        maybe("tenant", .s(["t1", "t2"].randomElement(using: &rng)!))
        maybe("region", .s(["eu", "us"].randomElement(using: &rng)!))
        maybe("year", .n(DynamoNumber(Int.random(in: 2020...2023, using: &rng))))
        maybe("label", .s(["a", "ab", "b", "a\u{0}"].randomElement(using: &rng)!))
        maybe("rank", .b([UInt8](repeating: UInt8.random(in: 0...2, using: &rng), count: Int.random(in: 0...2, using: &rng))))
        maybe("note", .s(String(repeating: "x", count: Int.random(in: 0...50, using: &rng))))
        return item
    }

    static func key(_ rng: inout some RandomNumberGenerator) -> PrimaryKey {
        PrimaryKey(partition: .s("p\(Int.random(in: 0..<6, using: &rng))"), sort: .n(DynamoNumber(Int.random(in: 0..<8, using: &rng))))
    }

    @Test(arguments: [true, false])
    func indexesFollowRandomWrites(onDisk: Bool) async throws {
        let directory = onDisk ? FileManager.default.temporaryDirectory.appendingPathComponent("strata-index-\(UUID().uuidString)").path : nil
        defer { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
        let options = StorageOptions(dataDirectory: directory, partitionsPerTable: 4)
        var engine = try SQLiteStorageEngine(options: options)
        _ = try await engine.createTable(Self.definition())
        var model: [PrimaryKey: Item] = [:]
        var rng = SystemRandomNumberGenerator()

        for phase in 0..<6 {
            // Global index entries wait in memory before they are written:
            // every other phase starts with them all written, so that its
            // reads meet entries both in the databases and in memory.
            if phase % 2 == 0 { await engine.indexesWritten() }
            for _ in 0..<150 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0...3:
                    let key = Self.key(&rng), item = Self.item(key, &rng)
                    try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.put(item), result: ()) }
                    model[key] = item
                case 4...5:
                    // An update: some attributes change, the rest stay.
                    let key = Self.key(&rng)
                    let changes = Self.item(key, &rng).filter { _ in Bool.random() }
                    let updated = try await engine.writeItem(table: "indexed", key: key) { current in
                        var item = try current.item() ?? ["pk": key.partition, "sk": key.sort!]
                        item.merge(changes) { $1 }
                        return ItemWrite(.put(item), result: item)
                    }
                    model[key] = updated
                case 6:
                    let key = Self.key(&rng)
                    try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.delete, result: ()) }
                    model[key] = nil
                case 7...8:
                    // A batch: several writes at once, to different items.
                    var batch: [PrimaryKey: Item?] = [:]
                    for _ in 0..<Int.random(in: 2...10, using: &rng) {
                        let key = Self.key(&rng)
                        batch[key] = Bool.random() ? Self.item(key, &rng) : nil
                    }
                    let writer = engine
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (key, item) in batch {
                            group.addTask {
                                try await writer.writeItem(table: "indexed", key: key) { _ in
                                    ItemWrite(item.map { .put($0) } ?? .delete, result: ())
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    for (key, item) in batch { model[key] = item }
                default:
                    var keys: [PrimaryKey] = []
                    for _ in 0..<Int.random(in: 1...4, using: &rng) {
                        let key = Self.key(&rng)
                        if !keys.contains(key) { keys.append(key) }
                    }
                    let items = keys.map { key in Bool.random() ? Self.item(key, &rng) : nil }
                    _ = try await engine.writeTransaction(keys.map { TransactionTarget(table: "indexed", key: $0) }, token: nil) { _ in
                        items.map { $0.map { .put($0) } ?? .delete }
                    }
                    for (key, item) in zip(keys, items) { model[key] = item }
                }
            }
            try await Self.expectIndexes(of: engine, toMatch: model)
            #expect(try engine.checkIntegrity().findings == [])
            if onDisk, phase % 2 == 1 {
                await engine.close()
                #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory!).findings == [])
                engine = try SQLiteStorageEngine(options: options)
            }
        }
        await engine.close()
    }

    /// Every index, scanned, holds the model's projection; a query of
    /// each partition-key value returns its entries in index order.
    static func expectIndexes(
        of engine: SQLiteStorageEngine, toMatch model: [PrimaryKey: Item], definition: TableDefinition = definition(),
        table: String = "indexed"
    ) async throws {
        for index in definition.indexes {
            let expected = model.values.compactMap { item -> Item? in
                index.keyValues(of: item) == nil ? nil : index.entry(of: item, tableKey: definition.keySchema)
            }
            var scanned: [Item] = []
            for segment in 0..<3 {
                var start: Item?
                repeat {
                    let page = try await engine.scanIndex(
                        table: table, index: index.name, segment: segment, totalSegments: 3, exclusiveStart: start,
                        limit: PageLimit(items: 7))
                    let items = try page.items.map { try $0.item() }
                    scanned += items
                    start = page.isTruncated ? items.last : nil
                } while start != nil
            }
            #expect(Set(scanned.map(Self.describe)) == Set(expected.map(Self.describe)), "index \(index.name)")
            #expect(scanned.count == expected.count, "index \(index.name)")

            // Queries: each partition value, in order, paged.
            let groups = Dictionary(grouping: expected) { index.keyValues(of: $0)!.partition }
            for (partition, entries) in groups {
                let ordered = entries.sorted { Self.precedes($0, $1, index: index, tableKey: definition.keySchema) }
                for forward in [true, false] {
                    var read: [Item] = []
                    var start: Item?
                    repeat {
                        let page = try await engine.queryIndex(
                            table: table, index: index.name, condition: IndexKeyCondition(partition: partition),
                            forward: forward, exclusiveStart: start, limit: PageLimit(items: 3))
                        let items = try page.items.map { try $0.item() }
                        read += items
                        start = page.isTruncated ? items.last : nil
                    } while start != nil
                    #expect(read == (forward ? ordered : ordered.reversed()), "query of index \(index.name)")
                }
            }
        }
    }

    /// Index order: sort components one after another, then the table
    /// key as the engine encodes it (ties have no order in DynamoDB; the
    /// engine's must be stable for paging).
    static func precedes(_ a: Item, _ b: Item, index: IndexDefinition, tableKey: KeySchema) -> Bool {
        for name in index.keySchema.sortKeys.map(\.name) {
            let (x, y) = (a[name]!, b[name]!)
            if x == y { continue }
            return order(x, y)
        }
        func encoded(_ item: Item) -> [UInt8] {
            KeyEncoding.encode(PrimaryKey(partition: item[tableKey.partitionKey.name]!, sort: tableKey.sortKey.map { item[$0.name]! }))
        }
        return encoded(a).lexicographicallyPrecedes(encoded(b))
    }

    static func order(_ x: AttributeValue, _ y: AttributeValue) -> Bool {
        switch (x, y) {
        case (.n(let m), .n(let n)): m < n
        case (.s(let s), .s(let t)): Array(s.utf8).lexicographicallyPrecedes(Array(t.utf8))
        case (.b(let s), .b(let t)): s.lexicographicallyPrecedes(t)
        default: false
        }
    }

    static func describe(_ item: Item) -> String {
        item.keys.sorted().map { "\($0)=\(item[$0]!)" }.joined(separator: ",")
    }
}
