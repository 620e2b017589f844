import Foundation
import StrataModel
import StrataStorage
import Testing

/// Drives the SQLite engine with random operations and checks every answer
/// against a dictionary model (bbolt's simulation test, in spirit).
@Suite struct StorageSimulationTests {
    struct Refused: Error {}

    private static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-sim-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func definition(name: String) -> TableDefinition {
        TableDefinition(
            name: name, id: UUID().uuidString.lowercased(), arn: "arn:test", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "pk", type: .string), sortKey: KeyAttribute(name: "sk", type: .number)),
            attributeDefinitions: [KeyAttribute(name: "pk", type: .string), KeyAttribute(name: "sk", type: .number)],
            billingMode: .payPerRequest, throughput: nil)
    }

    private static func key(_ rng: inout some RandomNumberGenerator) -> PrimaryKey {
        PrimaryKey(partition: .s("p\(Int.random(in: 0..<20, using: &rng))"), sort: .n(DynamoNumber(Int.random(in: -5..<5, using: &rng))))
    }

    @Test(arguments: [true, false])
    func randomOperationsMatchTheModel(onDisk: Bool) async throws {
        let directory = onDisk ? Self.temporaryDirectory() : nil
        defer { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
        let options = StorageOptions(dataDirectory: directory, partitionsPerTable: 4)
        var engine: SQLiteStorageEngine = try SQLiteStorageEngine(options: options)
        _ = try await engine.createTable(Self.definition(name: "sim"))
        var model: [PrimaryKey: Item] = [:]
        var rng = SystemRandomNumberGenerator()

        for step in 0..<3000 {
            let key = Self.key(&rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3:
                var generated = ItemEncodingTests.randomItem(&rng)
                generated["pk"] = key.partition
                generated["sk"] = key.sort
                let item = generated
                let expectedOld = model[key]
                let old = try await engine.writeItem(table: "sim", key: key) { current in
                    ItemWrite(.put(item), result: try current.item())
                }
                #expect(old == expectedOld)
                model[key] = item
            case 4...5:
                let expectedOld = model[key]
                let old = try await engine.writeItem(table: "sim", key: key) { current in
                    ItemWrite(.delete, result: try current.item())
                }
                #expect(old == expectedOld)
                model[key] = nil
            case 6:
                // A request that refuses after looking must change nothing.
                await #expect(throws: Refused.self) {
                    try await engine.writeItem(table: "sim", key: key) { _ -> ItemWrite<Int> in throw Refused() }
                }
            default:
                #expect(try await engine.item(table: "sim", key: key) == model[key])
            }
            if onDisk && step % 1000 == 999 {
                await engine.close()
                #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory!).findings == [])
                engine = try SQLiteStorageEngine(options: options)
                #expect(try engine.checkIntegrity().findings == [])
            }
        }
        for (key, item) in model {
            #expect(try await engine.item(table: "sim", key: key) == item)
        }
        let statistics = try await engine.statistics(ofTable: "sim")
        #expect(statistics.itemCount == model.count)
        #expect(statistics.sizeBytes == model.values.reduce(0) { $0 + $1.itemSize })
        let report = try engine.checkIntegrity()
        #expect(report.findings == [])
        #expect(report.items == model.count)
        await engine.close()
    }

    @Test func concurrentReadModifyWritesNeverLoseAnUpdate() async throws {
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: nil))
        _ = try await engine.createTable(Self.definition(name: "counter"))
        let key = PrimaryKey(partition: .s("c"), sort: .n(.zero))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<100 {
                        _ = try await engine.writeItem(table: "counter", key: key) { current in
                            let count = try current.item()?["n"].flatMap { if case .n(let n) = $0 { n.intValue } else { nil } } ?? 0
                            return ItemWrite(.put(["pk": .s("c"), "sk": .n(.zero), "n": .n(DynamoNumber(count + 1))]), result: ())
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await engine.item(table: "counter", key: key)?["n"] == .n(DynamoNumber(800)))
        await engine.close()
    }

    @Test func tablesSurviveReopenAndDeletionRemovesTheirFiles() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = StorageOptions(dataDirectory: directory)
        var engine = try SQLiteStorageEngine(options: options)
        let created = try await engine.createTable(Self.definition(name: "keep"))
        let doomed = try await engine.createTable(Self.definition(name: "doomed"))
        await #expect(throws: DynamoError.self) { try await engine.createTable(Self.definition(name: "keep")) }
        _ = try await engine.deleteTable(named: "doomed")
        await engine.close()

        engine = try SQLiteStorageEngine(options: options)
        #expect(engine.tableNames() == ["keep"])
        #expect(engine.table(named: "keep") == created)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/tables")
        #expect(files == [created.id])
        #expect(!files.contains(doomed.id))
        await engine.close()
    }
}
