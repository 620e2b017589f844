import Dispatch
import Foundation
import StrataModel
import Synchronization
import Testing
@testable import StrataStorage

/// Reads run on the engine's threads with a bounded pool of connections
/// per partition, so that a slow read holds only its own partition's
/// readers and never the server's other work.
@Suite struct StorageConcurrencyTests {
    private static func definition(_ name: String) -> TableDefinition {
        TestTables.hashKeyed(name)
    }

    private static func put(_ name: String, in table: String, _ engine: SQLiteStorageEngine) async throws {
        let item: Item = ["pk": .s(name)]
        _ = try await engine.writeItem(table: table, key: PrimaryKey(partition: .s(name))) { _ in ItemWrite(.put(item), result: 0) }
    }

    @Test func aPartitionNeverOpensMoreReadersThanItsBound() async throws {
        var options = StorageOptions(dataDirectory: nil, partitionsPerTable: 1)
        options.readersPerPartition = 2
        let engine = try SQLiteStorageEngine(options: options)
        _ = try await engine.createTable(Self.definition("t"))
        try await Self.put("a", in: "t", engine)
        let partition = try engine.store(named: "t").partitions[0]
        let gauge = ReadGauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await partition.currentFiles!.readers.withConnection(on: partition.threads.requests) { connection in
                        gauge.enter()
                        defer { gauge.exit() }
                        _ = try ItemsTable.stored(KeyEncoding.encode(PrimaryKey(partition: .s("a"))), on: connection)
                    }
                    #expect(try await engine.item(table: "t", key: PrimaryKey(partition: .s("a"))) != nil)
                }
            }
            try await group.waitForAll()
        }
        #expect(partition.currentFiles!.readers.peakOpened <= 2)
        #expect(gauge.mostAtOnce <= 2)
        await engine.close()
    }

    /// Three bulk reads (Scan pages) stuck in one partition hold more
    /// threads than Swift's cooperative pool has here, and every bulk
    /// connection of that partition; requests' reads of the same
    /// partition, other tables, Scans and CreateTable go on regardless.
    @Test func slowBulkReadsDoNotStopRequestsOrCreateTable() async throws {
        var options = StorageOptions(dataDirectory: nil, partitionsPerTable: 2)
        options.bulkReadersPerPartition = 3
        options.bulkThreads = 8
        let engine = try SQLiteStorageEngine(options: options)
        _ = try await engine.createTable(Self.definition("slow"))
        _ = try await engine.createTable(Self.definition("fast"))
        let slow = try engine.store(named: "slow")
        let stuck = slow.partitions[0]
        // A key of the slow table's other partition.
        let other = (0..<100).map { "k\($0)" }.first { name in
            slow.partition(forEncodedKey: KeyEncoding.encode(PrimaryKey(partition: .s(name)))) !== stuck
        }!
        try await Self.put(other, in: "slow", engine)
        try await Self.put("f", in: "fast", engine)

        let gate = DispatchSemaphore(value: 0)
        let entered = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await stuck.currentFiles!.bulkReaders.withConnection(on: stuck.threads.bulk) { _ in
                        entered.continuation.yield()
                        gate.wait()
                    }
                }
            }
            var iterator = entered.stream.makeAsyncIterator()
            for _ in 0..<3 { await iterator.next() }

            #expect(try await engine.item(table: "slow", key: PrimaryKey(partition: .s(other))) != nil)
            // The stuck partition itself still answers requests.
            let sameKey = (0..<100).map { "s\($0)" }.first { name in
                slow.partition(forEncodedKey: KeyEncoding.encode(PrimaryKey(partition: .s(name)))) === stuck
            }!
            try await Self.put(sameKey, in: "slow", engine)
            #expect(try await engine.item(table: "slow", key: PrimaryKey(partition: .s(sameKey))) != nil)
            #expect(try await engine.item(table: "fast", key: PrimaryKey(partition: .s("f"))) != nil)
            #expect(try await engine.scan(table: "fast", segment: 0, totalSegments: 1, exclusiveStart: nil, limit: PageLimit(items: nil)).items.count == 1)
            _ = try await engine.createTable(Self.definition("new"))
            try await Self.put("n", in: "new", engine)
            #expect(try await engine.item(table: "new", key: PrimaryKey(partition: .s("n"))) != nil)

            for _ in 0..<3 { gate.signal() }
            try await group.waitForAll()
        }
        await engine.close()
    }

    @Test func createTableWhileAnotherTableIsRead() async throws {
        var options = StorageOptions(dataDirectory: nil, partitionsPerTable: 2)
        options.readersPerPartition = 2
        let engine = try SQLiteStorageEngine(options: options)
        _ = try await engine.createTable(Self.definition("read"))
        for index in 0..<50 { try await Self.put("i\(index)", in: "read", engine) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<20 {
                        let page = try await engine.scan(table: "read", segment: 0, totalSegments: 1, exclusiveStart: nil, limit: PageLimit(items: nil))
                        #expect(page.items.count == 50)
                    }
                }
            }
            group.addTask {
                for index in 0..<10 {
                    _ = try await engine.createTable(Self.definition("new\(index)"))
                    try await Self.put("x", in: "new\(index)", engine)
                }
            }
            try await group.waitForAll()
        }
        #expect(engine.tableNames().count == 11)
        await engine.close()
    }

    @Test func twoCreateTablesOfOneNameCreateOne() async throws {
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: nil, partitionsPerTable: 2))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask { (try? await engine.createTable(Self.definition("same"))) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        await engine.close()
    }

    @Test func aScanStartFromAnotherSegmentIsRefused() async throws {
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: nil, partitionsPerTable: 2))
        _ = try await engine.createTable(Self.definition("t"))
        let start = PrimaryKey(partition: .s("a"))
        let segments = 4
        let own = PartitionHash.partition(of: PartitionHash.hash(start.partition), count: segments)
        _ = try await engine.scan(table: "t", segment: own, totalSegments: segments, exclusiveStart: start, limit: PageLimit(items: nil))
        await #expect(throws: ScanStartOutsideSegment.self) {
            try await engine.scan(table: "t", segment: (own + 1) % segments, totalSegments: segments, exclusiveStart: start, limit: PageLimit(items: nil))
        }
        await engine.close()
    }
}

/// How many reads are inside their connection at once, at most.
private final class ReadGauge: Sendable {
    private let counts = Mutex((now: 0, most: 0))

    func enter() {
        counts.withLock { counts in
            counts.now += 1
            counts.most = max(counts.most, counts.now)
        }
    }

    func exit() {
        counts.withLock { $0.now -= 1 }
    }

    var mostAtOnce: Int {
        counts.withLock { $0.most }
    }
}
