import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// A database nobody writes gives its write-ahead log's disk space back:
/// the engine's sweep empties the log of each database that was written
/// since its log was last emptied but not during the sweep's last period.
@Suite struct IdleLogTests {
    /// The size of each table's write-ahead log file under `directory`, by path.
    private static func tableLogSizes(under directory: String) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: directory) where name.hasPrefix("tables/") && name.hasSuffix("-wal") {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            sizes[name] = (attributes[.size] as? NSNumber)?.intValue ?? -1
        }
        return sizes
    }

    private static func put(_ index: Int, in engine: SQLiteStorageEngine) async throws {
        _ = try await engine.writeItem(table: "checked", key: PrimaryKey(partition: .s("k\(index)"), sort: .n(.zero))) { _ in
            ItemWrite(.put(["pk": .s("k\(index)"), "sk": .n(.zero), "v": .s(String(repeating: "v", count: 1000))]), result: ())
        }
    }

    @Test func aLogIsEmptiedAfterAWholePeriodWithoutWrites() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        _ = try await engine.createTable(IntegrityCheckTests.definition())
        for index in 0..<40 { try await Self.put(index, in: engine) }
        let written = try Self.tableLogSizes(under: directory)
        #expect(written.count == 2)
        #expect(written.values.allSatisfy { $0 > 0 })

        // Written during the period before this look: kept.
        await engine.emptyIdleLogs()
        #expect(try Self.tableLogSizes(under: directory) == written)
        // A whole period without writes: emptied.
        await engine.emptyIdleLogs()
        #expect(try Self.tableLogSizes(under: directory).values.allSatisfy { $0 == 0 })

        // One partition written again: only its log is kept, for one period.
        try await Self.put(0, in: engine)
        await engine.emptyIdleLogs()
        let afterOneWrite = try Self.tableLogSizes(under: directory)
        #expect(afterOneWrite.values.sorted() == [0, afterOneWrite.values.max()!])
        #expect(afterOneWrite.values.max()! > 0)
        await engine.emptyIdleLogs()
        #expect(try Self.tableLogSizes(under: directory).values.allSatisfy { $0 == 0 })

        for index in 0..<40 {
            let item = try await engine.item(table: "checked", key: PrimaryKey(partition: .s("k\(index)"), sort: .n(.zero)))
            #expect(item?["v"] == .s(String(repeating: "v", count: 1000)))
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
