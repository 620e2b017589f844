import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// A database nobody writes gives its write-ahead log's disk space back:
/// the engine's sweep empties the log of each database that was written
/// since its log was last emptied but not during the sweep's last period.
@Suite struct IdleLogTests {
    /// The size of each write-ahead log under `directory` that the sweep
    /// looks after (tables' and indexes' partitions, the transaction log), by path.
    private static func logSizes(under directory: String) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: directory)
        where name.hasSuffix("-wal") && (name.hasPrefix("tables/") || name.hasPrefix("transactions")) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            sizes[name] = (attributes[.size] as? NSNumber)?.intValue ?? -1
        }
        return sizes
    }

    private static func key(_ index: Int) -> PrimaryKey {
        PrimaryKey(partition: .s("k\(index)"), sort: .n(.zero))
    }

    /// An item in the table's `byColor` global index.
    private static func item(_ index: Int) -> Item {
        ["pk": .s("k\(index)"), "sk": .n(.zero), "color": .s("c\(index % 7)"), "size": .n(DynamoNumber(index)),
         "v": .s(String(repeating: "v", count: 1000))]
    }

    private static func put(_ index: Int, in engine: SQLiteStorageEngine) async throws {
        _ = try await engine.writeItem(table: "indexed", key: key(index)) { _ in ItemWrite(.put(item(index)), result: ()) }
    }

    @Test func aLogIsEmptiedAfterAWholePeriodWithoutWrites() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        _ = try await engine.createTable(IndexSimulationTests.definition())
        for index in 0..<40 { try await Self.put(index, in: engine) }
        let pair = [TransactionTarget(table: "indexed", key: Self.key(40)), TransactionTarget(table: "indexed", key: Self.key(41))]
        _ = try await engine.writeTransaction(pair, token: nil) { _ in [.put(Self.item(40)), .put(Self.item(41))] }
        await engine.indexesWritten()
        let written = try Self.logSizes(under: directory)
        // Both table partitions, a global index's, and the transaction log.
        #expect(written.keys.filter { $0.hasSuffix("/p0.sqlite-wal") || $0.hasSuffix("/p1.sqlite-wal") }.count == 2)
        #expect(written.keys.contains { $0.contains("/g") })
        #expect(written.keys.contains("transactions.sqlite-wal"))
        #expect(written.values.allSatisfy { $0 > 0 })

        // Written during the period before this look: kept.
        await engine.emptyIdleLogs()
        #expect(try Self.logSizes(under: directory) == written)
        // A whole period without writes: emptied.
        await engine.emptyIdleLogs()
        #expect(try Self.logSizes(under: directory).values.allSatisfy { $0 == 0 })

        // One more item: only the logs it wrote to are kept, for one period.
        try await Self.put(42, in: engine)
        await engine.indexesWritten()
        await engine.emptyIdleLogs()
        let afterOneWrite = try Self.logSizes(under: directory)
        #expect(afterOneWrite.values.contains { $0 > 0 })
        #expect(afterOneWrite.values.contains(0))
        #expect(afterOneWrite["transactions.sqlite-wal"] == 0)
        await engine.emptyIdleLogs()
        #expect(try Self.logSizes(under: directory).values.allSatisfy { $0 == 0 })

        for index in 0...42 {
            #expect(try await engine.item(table: "indexed", key: Self.key(index)) == Self.item(index))
        }
        #expect(try engine.checkIntegrity().isHealthy)
        await engine.close()
    }

    /// Emptying never waits for a reader that is still reading from the
    /// log: it leaves the log as it is and says so.
    @Test func aReaderOnTheLogKeepsItUntilTheNextTry() throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/db.sqlite"
        let writer = try SQLiteConnection(path: path)
        defer { writer.close() }
        try writer.execute("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        let reader = try SQLiteConnection(path: path)
        defer { reader.close() }
        try reader.execute("BEGIN")
        let read = try reader.statement("SELECT count(*) FROM t")
        #expect(try read.step())
        read.reset()

        let start = ContinuousClock.now
        #expect(try !writer.emptyLog())
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber != 0)

        try reader.execute("COMMIT")
        #expect(try writer.emptyLog())
        #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber == 0)
    }
}
