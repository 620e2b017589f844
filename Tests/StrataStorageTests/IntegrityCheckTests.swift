import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// The integrity check passes on what the engine writes and finds damage
/// done to the files behind its back, both on a running engine and on a
/// stopped server's directory.
@Suite struct IntegrityCheckTests {
    static let partitions = 4
    static let itemCount = 60

    /// A data directory with one table of `itemCount` items, engine running.
    struct Fixture {
        let directory: String
        let definition: TableDefinition
        let engine: SQLiteStorageEngine

        func partitionPath(_ index: Int) -> String {
            "\(directory)/tables/\(definition.id)/p\(index).sqlite"
        }

        /// A raw connection to a partition file, beside the engine's own.
        func connection(toPartition index: Int) throws -> SQLiteConnection {
            try SQLiteConnection(path: partitionPath(index))
        }

        func itemCount(inPartition index: Int) throws -> Int {
            let connection = try connection(toPartition: index)
            defer { connection.close() }
            let statement = try connection.statement("SELECT count(*) FROM items")
            defer { statement.reset() }
            _ = try statement.step()
            return statement.int(0)
        }

        /// The first partition holding an item.
        func partitionWithItems() throws -> Int {
            try #require(try (0..<IntegrityCheckTests.partitions).first { try itemCount(inPartition: $0) > 0 })
        }

        /// Both checks: of the running engine, then of the stopped directory.
        func checkBothWays() async throws -> (running: IntegrityReport, stopped: IntegrityReport) {
            let running = try engine.checkIntegrity()
            await engine.close()
            return (running, try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory))
        }
    }

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-check-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func definition() -> TableDefinition {
        TableDefinition(
            name: "checked", id: UUID().uuidString.lowercased(), arn: "arn:test", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "pk", type: .string), sortKey: KeyAttribute(name: "sk", type: .number)),
            attributeDefinitions: [KeyAttribute(name: "pk", type: .string), KeyAttribute(name: "sk", type: .number)],
            billingMode: .payPerRequest, throughput: nil)
    }

    static func fill(_ engine: SQLiteStorageEngine) async throws {
        for index in 0..<itemCount {
            let item: Item = ["pk": .s("p\(index % 15)"), "sk": .n(DynamoNumber(index)), "data": .s(String(repeating: "x", count: index))]
            _ = try await engine.writeItem(table: "checked", key: PrimaryKey(partition: item["pk"]!, sort: item["sk"])) { _ in
                ItemWrite(.put(item), result: ())
            }
        }
    }

    static func fixture() async throws -> Fixture {
        let directory = temporaryDirectory()
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: partitions))
        let definition = try await engine.createTable(Self.definition())
        try await fill(engine)
        return Fixture(directory: directory, definition: definition, engine: engine)
    }

    @Test func aFreshEngineWithDataPasses() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let (running, stopped) = try await fixture.checkBothWays()
        for report in [running, stopped] {
            #expect(report.findings == [])
            #expect(report.tables == 1)
            #expect(report.partitions == Self.partitions)
            #expect(report.items == Self.itemCount)
            #expect(report.files == Self.partitions + 2)
        }
    }

    @Test func anInMemoryEnginePasses() async throws {
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: nil, partitionsPerTable: Self.partitions))
        _ = try await engine.createTable(Self.definition())
        try await Self.fill(engine)
        let report = try engine.checkIntegrity()
        #expect(report.findings == [])
        #expect(report.items == Self.itemCount)
        #expect(report.files == Self.partitions + 2)
        await engine.close()
    }

    @Test func findsAnItemWhoseBytesWereCorrupted() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let index = try fixture.partitionWithItems()
        let connection = try fixture.connection(toPartition: index)
        // 0x02 is not the item format's version byte: the value can never decode.
        try connection.execute("UPDATE items SET v = X'02' || randomblob(16) WHERE id = (SELECT min(id) FROM items)")
        connection.close()

        let (running, stopped) = try await fixture.checkBothWays()
        for report in [running, stopped] {
            #expect(report.findings.count == 1, "\(report.findings)")
            #expect(report.findings.first?.file == fixture.partitionPath(index))
            #expect(report.findings.first?.problem.contains("does not decode") == true)
            #expect(report.items == Self.itemCount)
        }
    }

    @Test func findsStatisticsThatDoNotAddUp() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let connection = try fixture.connection(toPartition: 0)
        try connection.execute("UPDATE stats SET items = items + 1, bytes = bytes + 10")
        connection.close()

        let (running, stopped) = try await fixture.checkBothWays()
        for report in [running, stopped] {
            #expect(report.findings.count == 1, "\(report.findings)")
            #expect(report.findings.first?.file == fixture.partitionPath(0))
            #expect(report.findings.first?.problem.contains("statistics") == true)
        }
    }

    /// The row moves whole, statistics and all: only its place is wrong.
    @Test func findsAnItemInTheWrongPartition() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let source = try fixture.partitionWithItems()
        let target = (source + 1) % Self.partitions
        let from = try fixture.connection(toPartition: source)
        let to = try fixture.connection(toPartition: target)
        defer { from.close(); to.close() }
        let row = try from.statement("SELECT k, v, size FROM items ORDER BY id LIMIT 1")
        _ = try row.step()
        let (key, value, size) = (row.blob(0), row.blob(1), row.int(2))
        row.reset()
        let insert = try to.statement("INSERT INTO items(k, v, size) VALUES (?, ?, ?)")
        insert.bind(1, key)
        insert.bind(2, value)
        insert.bind(3, size)
        try insert.run()
        try to.execute("UPDATE stats SET items = items + 1, bytes = bytes + \(size)")
        let delete = try from.statement("DELETE FROM items WHERE k = ?")
        delete.bind(1, key)
        try delete.run()
        try from.execute("UPDATE stats SET items = items - 1, bytes = bytes - \(size)")

        let (running, stopped) = try await fixture.checkBothWays()
        for report in [running, stopped] {
            #expect(report.findings.count == 1, "\(report.findings)")
            #expect(report.findings.first?.file == fixture.partitionPath(target))
            #expect(report.findings.first?.problem.contains("hashes into partition \(source) of \(Self.partitions)") == true)
        }
    }

    @Test func aDirectoryWithoutACatalogIsRefused() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: NotADataDirectory.self) { try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory + "/missing") }
        #expect(throws: NotADataDirectory.self) { try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory) }
        // Refusing created nothing.
        #expect(!FileManager.default.fileExists(atPath: directory + "/missing"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
    }
}
