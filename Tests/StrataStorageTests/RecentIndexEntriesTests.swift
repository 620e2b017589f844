import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// A write is answered once its global index entries are in memory: reads
/// through the index see it at once, and its table's change log keeps the
/// change until the entries are in the index's database, so that a crash
/// before then replays it.
@Suite struct RecentIndexEntriesTests {
    @Test func entriesAreReadFromMemoryUntilTheirDatabaseHoldsThem() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        _ = try await engine.createTable(IndexSimulationTests.definition())
        let first: Item = ["pk": .s("a"), "sk": .n(.zero), "color": .s("red"), "size": .n(DynamoNumber(1))]
        try await engine.writeItem(table: "indexed", key: PrimaryKey(partition: .s("a"), sort: .n(.zero))) { _ in
            ItemWrite(.put(first), result: ())
        }
        let entry = try #require(engine.tables.withLock { $0.entries["indexed"] })
        let byColor = try #require(entry.indexing.current.global(named: "byColor"))
        func recentCount() -> Int { byColor.store.partitions.reduce(0) { $0 + ($1.recent?.count ?? 0) } }
        func unappliedChanges() async throws -> Int {
            var count = 0
            for partition in entry.store.partitions {
                count += try await partition.bulkRead { try ChangeLogTable.unapplied(on: $0).count } ?? 0
            }
            return count
        }
        func query() async throws -> [Item] {
            let page = try await engine.queryIndex(
                table: "indexed", index: "byColor", condition: IndexKeyCondition(partition: [.s("red")]), forward: true,
                exclusiveStart: nil, limit: PageLimit(items: nil))
            return try page.items.map { try $0.item() }
        }

        #expect(try await query().map { $0["pk"] } == [.s("a")])
        #expect(recentCount() == 1)
        #expect(try await unappliedChanges() == 1)
        // The index's statistics count it all the same: reading them writes the entries first.
        #expect(try await engine.indexStatistics(ofTable: "indexed")["byColor"]?.itemCount == 1)
        #expect(recentCount() == 0)
        #expect(try await query().map { $0["pk"] } == [.s("a")])

        // Another red item in memory beside the first in the database, and the first moved to blue.
        let second: Item = ["pk": .s("b"), "sk": .n(.zero), "color": .s("red"), "size": .n(DynamoNumber(0))]
        try await engine.writeItem(table: "indexed", key: PrimaryKey(partition: .s("b"), sort: .n(.zero))) { _ in
            ItemWrite(.put(second), result: ())
        }
        try await engine.writeItem(table: "indexed", key: PrimaryKey(partition: .s("a"), sort: .n(.zero))) { _ in
            ItemWrite(.put(first.merging(["color": .s("blue")]) { $1 }), result: ())
        }
        // b's red entry, and a's: its red entry's removal and its blue entry.
        #expect(recentCount() == 3)
        #expect(try await query().map { $0["pk"] } == [.s("b")])
        #expect(try engine.checkIntegrity().isHealthy)
        await engine.close()
        #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory).isHealthy)
    }
}
