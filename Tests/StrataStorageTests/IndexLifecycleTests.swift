import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// A global index added to a table that holds items, while writes go on,
/// and one removed again; and the integrity check catching an index that
/// disagrees with its table.
@Suite struct IndexLifecycleTests {
    static func plainTable() -> TableDefinition {
        var definition = IndexSimulationTests.definition()
        definition.globalIndexes = []
        definition.localIndexes = []
        return definition
    }

    /// Waits for the index to reach `status` (nil: gone), polling the
    /// definition; the backfill runs in the background.
    static func wait(for status: IndexDefinition.Status?, of index: String, in engine: SQLiteStorageEngine) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while engine.table(named: "indexed")?.globalIndexes.first(where: { $0.name == index })?.status != status {
            try #require(ContinuousClock.now < deadline, "index \(index) never reached \(String(describing: status))")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Four writers each put or delete 400 random items among keys p0-p5
    /// × 0..<`sorts`; `before(writer, round)` runs before each write.
    /// Returns the keys written. Writers may write the same key: a model
    /// takes what the table holds for each.
    static func writeConcurrently(
        to engine: SQLiteStorageEngine, sorts: Int,
        before: @escaping @Sendable (_ writer: Int, _ round: Int) async throws -> Void = { _, _ in }
    ) async throws -> Set<PrimaryKey> {
        try await withThrowingTaskGroup(of: Set<PrimaryKey>.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var rng = SystemRandomNumberGenerator()
                    var written: Set<PrimaryKey> = []
                    for round in 0..<400 {
                        try await before(writer, round)
                        let key = PrimaryKey(
                            partition: .s("p\(Int.random(in: 0..<6, using: &rng))"),
                            sort: .n(DynamoNumber(Int.random(in: 0..<sorts, using: &rng))))
                        let item: Item? = Int.random(in: 0..<4, using: &rng) == 0 ? nil : IndexSimulationTests.item(key, &rng)
                        try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(item.map { .put($0) } ?? .delete, result: ()) }
                        written.insert(key)
                    }
                    return written
                }
            }
            var all: Set<PrimaryKey> = []
            for try await written in group { all.formUnion(written) }
            return all
        }
    }

    @Test func backfillWhileWritingIndexesEveryItemOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-backfill-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 4))
        let table = Self.plainTable()
        _ = try await engine.createTable(table)
        var rng = SystemRandomNumberGenerator()
        var model: [PrimaryKey: Item] = [:]
        for partition in 0..<6 {
            for sort in 0..<300 {
                let key = PrimaryKey(partition: .s("p\(partition)"), sort: .n(DynamoNumber(sort)))
                let item = IndexSimulationTests.item(key, &rng)
                try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.put(item), result: ()) }
                model[key] = item
            }
        }

        // Four writers go on while the index is added and filled.
        let written = try await Self.writeConcurrently(to: engine, sorts: 300) { writer, round in
            if writer == 0, round == 0 {
                _ = try await engine.updateTable(named: "indexed") { $0.globalIndexes.append(IndexSimulationTests.byTenant) }
            }
        }
        for key in written { model[key] = try await engine.item(table: "indexed", key: key) }
        try await Self.wait(for: .active, of: "byTenant", in: engine)
        #expect(engine.table(named: "indexed")?.globalIndexes.first?.backfilling == nil)

        var expected = table
        expected.globalIndexes = [IndexSimulationTests.byTenant]
        try await IndexSimulationTests.expectIndexes(of: engine, toMatch: model, definition: expected)
        #expect(try engine.checkIntegrity().findings == [])

        // Removed: DELETING, then gone, files and all.
        _ = try await engine.updateTable(named: "indexed") { $0.globalIndexes[0].status = .deleting }
        try await Self.wait(for: nil, of: "byTenant", in: engine)
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/tables/\(expected.id)")
        #expect(files.allSatisfy { $0.hasPrefix("p") }, "\(files)")
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
    }

    /// The propagator writes index partitions on its own thread; a global
    /// index removed while writes go on closes its partitions under it.
    /// No write fails, and the index that stays holds exactly the table.
    @Test func removingAnIndexWhileWritingKeepsTheOtherExact() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-removal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 4))
        var table = IndexSimulationTests.definition()
        table.localIndexes = []
        _ = try await engine.createTable(table)
        // The first writer removes the index a quarter of the way through.
        let written = try await Self.writeConcurrently(to: engine, sorts: 100) { writer, round in
            if writer == 0, round == 100 {
                _ = try await engine.updateTable(named: "indexed") { definition in
                    let position = definition.globalIndexes.firstIndex { $0.name == IndexSimulationTests.byTenant.name }!
                    definition.globalIndexes[position].status = .deleting
                }
            }
        }
        try await Self.wait(for: nil, of: IndexSimulationTests.byTenant.name, in: engine)
        var model: [PrimaryKey: Item] = [:]
        for key in written { model[key] = try await engine.item(table: "indexed", key: key) }
        var expected = table
        expected.globalIndexes = [IndexSimulationTests.byColor]
        try await IndexSimulationTests.expectIndexes(of: engine, toMatch: model, definition: expected)
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
    }

    @Test func theIntegrityCheckFindsAnIndexThatDisagreesWithItsTable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-badindex-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        let definition = IndexSimulationTests.definition()
        _ = try await engine.createTable(definition)
        for sort in 0..<20 {
            let key = PrimaryKey(partition: .s("p"), sort: .n(DynamoNumber(sort)))
            let item: Item = ["pk": .s("p"), "sk": .n(DynamoNumber(sort)), "color": .s("red"), "size": .n(DynamoNumber(sort)), "rank": .b([1])]
            try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.put(item), result: ()) }
        }
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()

        // One entry goes from each kind of index, behind the engine's back.
        let tableDirectory = "\(directory)/tables/\(definition.id)"
        for file in try FileManager.default.contentsOfDirectory(atPath: tableDirectory) where file.hasSuffix(".sqlite") {
            let connection = try SQLiteConnection(path: "\(tableDirectory)/\(file)")
            let table = file.hasPrefix("p") ? TableIndexing.localTable(0) : ItemsTable.items
            try connection.execute("DELETE FROM \(table) WHERE k IN (SELECT k FROM \(table) LIMIT 1)")
            connection.close()
        }
        let findings = try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory).findings
        #expect(findings.contains { $0.problem.contains("index byRank lacks the entry") })
        #expect(findings.contains { $0.problem.contains("index byColor lacks the entry") })
    }
}
