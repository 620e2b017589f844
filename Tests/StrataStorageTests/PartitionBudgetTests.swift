import Dispatch
import Foundation
import StrataModel
import Testing
@testable import StrataStorage

/// Partitions on disk within a small descriptor budget: idle ones close
/// and reopen on demand, least recently used first; busy ones never
/// close; what cannot be opened is refused with LimitExceeded; a table
/// never written has no files.
@Suite struct PartitionBudgetTests {
    /// Descriptors of one open partition with one reader connection.
    static let partitionWithReader = PartitionFiles.writerDescriptors + ReaderPool.descriptorsPerConnection

    static func options(_ directory: String, budget: Int, partitions: Int = 1) -> StorageOptions {
        var options = StorageOptions(dataDirectory: directory, partitionsPerTable: partitions)
        options.maximumOpenFiles = budget
        options.readersPerPartition = 1
        return options
    }

    static func key(_ name: String) -> PrimaryKey {
        PrimaryKey(partition: .s(name))
    }

    static func put(_ name: String, in table: String, _ engine: SQLiteStorageEngine) async throws {
        _ = try await engine.writeItem(table: table, key: key(name)) { _ in ItemWrite(.put(["pk": .s(name)]), result: ()) }
    }

    static func isOpen(_ table: String, _ engine: SQLiteStorageEngine) throws -> Bool {
        try engine.store(named: table).partitions[0].currentFiles != nil
    }

    @Test func idlePartitionsCloseAndReopenWithinTheBudget() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = Self.options(directory, budget: 2 * Self.partitionWithReader)
        var engine = try SQLiteStorageEngine(options: options)
        let tables = (0..<6).map { "t\($0)" }
        for table in tables {
            _ = try await engine.createTable(TestTables.hashKeyed(table))
            try await Self.put("item-\(table)", in: table, engine)
            #expect(engine.openFiles.inUse <= options.maximumOpenFiles)
            #expect(try await engine.item(table: table, key: Self.key("item-\(table)")) != nil)
            #expect(engine.openFiles.inUse <= options.maximumOpenFiles)
        }
        #expect(engine.openFiles.openCount == 2)
        // Every table reads back, reopening what was closed, and counts its item.
        for table in tables {
            #expect(try await engine.item(table: table, key: Self.key("item-\(table)"))?["pk"] == .s("item-\(table)"))
            #expect(try await engine.statistics(ofTable: table).itemCount == 1)
            #expect(engine.openFiles.inUse <= options.maximumOpenFiles)
        }
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
        #expect(engine.openFiles.inUse == 0)
        #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory).findings == [])

        // Start-up reads every partition's version and statistics and leaves it closed.
        engine = try SQLiteStorageEngine(options: options)
        #expect(engine.openFiles.inUse == 0)
        for table in tables {
            #expect(try await engine.statistics(ofTable: table).itemCount == 1)
            #expect(try await engine.item(table: table, key: Self.key("item-\(table)")) != nil)
        }
        await engine.close()
        #expect(engine.openFiles.inUse == 0)
    }

    @Test func theLeastRecentlyUsedPartitionClosesFirst() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: Self.options(directory, budget: 2 * Self.partitionWithReader))
        for table in ["a", "b", "c"] {
            _ = try await engine.createTable(TestTables.hashKeyed(table))
        }
        for table in ["a", "b"] {
            try await Self.put("x", in: table, engine)
            _ = try await engine.getItem(table: table, key: Self.key("x"))
        }
        #expect(engine.openFiles.inUse == 2 * Self.partitionWithReader)
        // a is used after b: b is now the least recently used.
        _ = try await engine.getItem(table: "a", key: Self.key("x"))
        try await Self.put("x", in: "c", engine)
        #expect(try Self.isOpen("a", engine))
        #expect(try !Self.isOpen("b", engine))
        #expect(try Self.isOpen("c", engine))
        // b's next use reopens it and closes a, now the least recent.
        #expect(try await engine.item(table: "b", key: Self.key("x")) != nil)
        #expect(try !Self.isOpen("a", engine))
        #expect(try Self.isOpen("b", engine))
        await engine.close()
    }

    @Test func aBusyPartitionIsNeverClosedAndARequestWithNoRoomGetsLimitExceeded() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Room for one partition with its reader.
        let engine = try SQLiteStorageEngine(options: Self.options(directory, budget: Self.partitionWithReader))
        _ = try await engine.createTable(TestTables.hashKeyed("busy"))
        _ = try await engine.createTable(TestTables.hashKeyed("other"))
        try await Self.put("x", in: "busy", engine)
        // Its reader takes the rest of the room.
        #expect(try await engine.getItem(table: "busy", key: Self.key("x")) != nil)

        let gate = DispatchSemaphore(value: 0)
        let entered = AsyncStream.makeStream(of: Void.self)
        let held = Task {
            try await engine.writeItem(table: "busy", key: Self.key("y")) { _ in
                entered.continuation.yield()
                gate.wait()
                return ItemWrite(.put(["pk": .s("y")]), result: ())
            }
        }
        var iterator = entered.stream.makeAsyncIterator()
        await iterator.next()

        // The busy partition's write is queued in its writer: it stays open,
        // and the other table's first write finds no room.
        await #expect(throws: OpenFiles.exhausted) { try await Self.put("x", in: "other", engine) }
        #expect(try Self.isOpen("busy", engine))
        // A read of a partition never written needs no files at all.
        #expect(try await engine.getItem(table: "other", key: Self.key("x")) == nil)

        gate.signal()
        try await held.value
        // Idle now, it makes room.
        try await Self.put("x", in: "other", engine)
        #expect(try !Self.isOpen("busy", engine))
        #expect(try await engine.item(table: "busy", key: Self.key("y")) != nil)
        #expect(try await engine.statistics(ofTable: "busy").itemCount == 2)
        await engine.close()
    }

    @Test func aReadThatCannotOpenAReaderGetsLimitExceeded() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Room for a writer, none for a reader beside it.
        let engine = try SQLiteStorageEngine(options: Self.options(directory, budget: PartitionFiles.writerDescriptors))
        _ = try await engine.createTable(TestTables.hashKeyed("t"))
        try await Self.put("x", in: "t", engine)
        await #expect(throws: OpenFiles.exhausted) { try await engine.getItem(table: "t", key: Self.key("x")) }
        // The writer is unharmed.
        try await Self.put("y", in: "t", engine)
        #expect(try await engine.statistics(ofTable: "t").itemCount == 2)
        await engine.close()
        #expect(engine.openFiles.inUse == 0)
    }

    @Test func aTransactionThatCannotHoldAllItsPartitionsFailsBeforeWritingAnything() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let targets = [TransactionTarget(table: "a", key: Self.key("x")), TransactionTarget(table: "b", key: Self.key("x"))]
        let puts: ([CurrentItem]) -> [ItemAction] = { _ in [.put(["pk": .s("x")]), .put(["pk": .s("x")])] }

        // Room for one partition's writer: the second cannot open while the first is held.
        var engine = try SQLiteStorageEngine(options: Self.options(directory, budget: 2 * PartitionFiles.writerDescriptors - 1))
        for table in ["a", "b"] { _ = try await engine.createTable(TestTables.hashKeyed(table)) }
        await #expect(throws: OpenFiles.exhausted) { try await engine.writeTransaction(targets, token: nil, puts) }
        #expect(try await engine.statistics(ofTable: "a").itemCount == 0)
        #expect(try await engine.statistics(ofTable: "b").itemCount == 0)
        await engine.close()

        // Room for both: it applies.
        engine = try SQLiteStorageEngine(options: Self.options(directory, budget: 2 * Self.partitionWithReader))
        _ = try await engine.writeTransaction(targets, token: nil, puts)
        #expect(try await engine.item(table: "a", key: Self.key("x")) != nil)
        #expect(try await engine.item(table: "b", key: Self.key("x")) != nil)
        await engine.close()
    }

    @Test func aTableNeverWrittenHasNoPartitionFiles() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = Self.options(directory, budget: Self.partitionWithReader, partitions: 8)
        var engine = try SQLiteStorageEngine(options: options)
        let definition = try await engine.createTable(TestTables.hashKeyed("empty"))
        let tableDirectory = "\(directory)/tables/\(definition.id)"
        #expect(try FileManager.default.contentsOfDirectory(atPath: tableDirectory) == [])
        #expect(try await engine.getItem(table: "empty", key: Self.key("x")) == nil)
        let page = try await engine.scan(table: "empty", segment: 0, totalSegments: 1, exclusiveStart: nil, limit: PageLimit(items: nil))
        #expect(page.items.isEmpty && !page.isTruncated)
        #expect(try await engine.statistics(ofTable: "empty") == PartitionStatistics())
        #expect(engine.openFiles.inUse == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tableDirectory) == [])

        // One write creates one partition's file, with the table's layout.
        try await Self.put("x", in: "empty", engine)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tableDirectory).filter { $0.hasSuffix(".sqlite") }.count == 1)
        await engine.close()

        for report in [try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory)] {
            #expect(report.findings == [])
            #expect(report.partitions == 8)
            #expect(report.items == 1)
            // The catalog, the transaction log and the one partition file.
            #expect(report.files == 3)
        }
        engine = try SQLiteStorageEngine(options: options)
        #expect(try await engine.item(table: "empty", key: Self.key("x")) != nil)
        await engine.close()
    }

    /// A crash between creating a partition's file and committing its
    /// tables leaves a database without tables: it holds nothing, the check
    /// passes, and the next start creates the tables.
    @Test func aPartitionFileWithoutTablesHoldsNothing() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = Self.options(directory, budget: Self.partitionWithReader)
        var engine = try SQLiteStorageEngine(options: options)
        let definition = try await engine.createTable(TestTables.hashKeyed("t"))
        await engine.close()
        let path = "\(directory)/tables/\(definition.id)/p0.sqlite"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))

        #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory).findings == [])
        engine = try SQLiteStorageEngine(options: options)
        #expect(try await engine.getItem(table: "t", key: Self.key("x")) == nil)
        try await Self.put("x", in: "t", engine)
        #expect(try await engine.item(table: "t", key: Self.key("x")) != nil)
        await engine.close()
        #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory).findings == [])
    }

    /// Items in the database file itself, not counting its write-ahead log
    /// (where a new partition's tables are, too, until a checkpoint).
    static func itemsInFile(_ path: String) throws -> Int {
        let connection = try SQLiteConnection(path: "file:\(path)?immutable=1", readOnly: true)
        defer { connection.close() }
        let tables = try connection.statement("SELECT count(*) FROM sqlite_master WHERE name = 'items'")
        defer { tables.reset() }
        guard try tables.step(), tables.int(0) == 1 else { return 0 }
        let statement = try connection.statement("SELECT count(*) FROM items")
        defer { statement.reset() }
        _ = try statement.step()
        return statement.int(0)
    }

    /// A checkpoint borrows a bulk reader of the open partition; a closed
    /// partition needs none (closing copied the log) and is not reopened.
    @Test func checkpointsCopyTheLogIntoTheFileOnlyWhileOpen() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: Self.options(directory, budget: Self.partitionWithReader))
        for table in ["a", "b"] { _ = try await engine.createTable(TestTables.hashKeyed(table)) }
        for name in ["x", "y", "z"] { try await Self.put(name, in: "a", engine) }
        let a = try engine.store(named: "a").partitions[0]
        guard case .file(let path) = a.location else { Issue.record("not a file"); return }
        #expect(try Self.itemsInFile(path) == 0)
        try await a.checkpoint()
        #expect(try Self.itemsInFile(path) == 3)
        #expect(a.currentFiles?.bulkReaders.openedCount == 1)

        // b's write closes a, whose close copies its log; a later checkpoint leaves it closed.
        try await Self.put("w", in: "a", engine)
        try await Self.put("x", in: "b", engine)
        #expect(a.currentFiles == nil)
        #expect(try Self.itemsInFile(path) == 4)
        try await a.checkpoint()
        #expect(a.currentFiles == nil)
        await engine.close()
    }
}
