import Foundation
import StrataModel
@testable import StrataStorage
import Synchronization
import Testing

/// Streams, on an injected clock: every change leaves one record in its
/// partition's shard, in commit order, with the images its view type
/// keeps; a write that changes nothing leaves none; sequence numbers grow
/// across restarts; each stream generation keeps its own records; the
/// trimmer drops what is older than a day and nothing else; a time to live
/// deletion is recorded as the service's.
@Suite struct StreamLogTests {
    /// A clock the test moves.
    final class TestClock: Sendable {
        private let seconds = Mutex(1_800_000_000.0)
        var now: Double { seconds.withLock { $0 } }
        func advance(by interval: Double) { seconds.withLock { $0 += interval } }
    }

    struct Event: Equatable, CustomStringConvertible {
        var kind: StreamRecord.Event
        var old: Item?
        var new: Item?
        var description: String { "\(kind) old: \(old.map { "\($0)" } ?? "-") new: \(new.map { "\($0)" } ?? "-")" }
    }

    static let table = "streamed"

    static func definition(_ viewType: StreamViewType, at now: Double, timeToLive: String? = nil) -> TableDefinition {
        var definition = TableDefinition(
            name: table, id: UUID().uuidString.lowercased(), arn: "arn:test", creationTime: 0,
            keySchema: KeySchema(partitionKey: .init(name: "pk", type: .string), sortKey: .init(name: "sk", type: .number)),
            attributeDefinitions: [], billingMode: .payPerRequest, throughput: nil)
        definition.enableStream(viewType, at: now)
        definition.timeToLiveAttribute = timeToLive
        return definition
    }

    static func engine(directory: String?, clock: TestClock) throws -> SQLiteStorageEngine {
        var options = StorageOptions(dataDirectory: directory, partitionsPerTable: 3)
        options.now = { clock.now }
        return try SQLiteStorageEngine(options: options)
    }

    /// Every record of stream `generation`, shard by shard, read in small pages.
    static func records(of engine: SQLiteStorageEngine, generation: Int) async throws -> [[StreamRecord]] {
        var shards: [[StreamRecord]] = []
        for shard in try await engine.streamShards(table: table, generation: generation).indices {
            var records: [StreamRecord] = []
            var start = 0
            while true {
                let page = try await engine.streamRecords(
                    table: table, shard: shard, generation: generation, from: start, limit: 7, maxBytes: 1 << 20)
                guard let last = page.records.last else { break }
                records += page.records
                start = last.sequence + 1
            }
            shards.append(records)
        }
        return shards
    }

    static func key(_ rng: inout some RandomNumberGenerator) -> PrimaryKey {
        PrimaryKey(partition: .s("p\(Int.random(in: 0..<4, using: &rng))"), sort: .n(DynamoNumber(Int.random(in: 0..<5, using: &rng))))
    }

    static func item(_ key: PrimaryKey, _ rng: inout some RandomNumberGenerator) -> Item {
        var item: Item = ["pk": key.partition, "sk": key.sort!]
        if Bool.random(using: &rng) { item["color"] = .s(["red", "blue"].randomElement(using: &rng)!) }
        if Bool.random(using: &rng) { item["tags"] = .ss(["a", "b", "c"].shuffled(using: &rng)) }
        return item
    }

    @Test(arguments: StreamViewType.allCases)
    func everyChangeLeavesOneRecordInCommitOrder(viewType: StreamViewType) async throws {
        let clock = TestClock()
        let engine = try Self.engine(directory: nil, clock: clock)
        _ = try await engine.createTable(Self.definition(viewType, at: clock.now))
        var rng = SystemRandomNumberGenerator()
        var model: [PrimaryKey: Item] = [:]
        var expected: [PrimaryKey: [Event]] = [:]
        func change(_ key: PrimaryKey, to new: Item?) {
            let old = model[key]
            // A write that changes nothing leaves the stored item as it was.
            if let old, let new, old.isSameItem(as: new) { return }
            model[key] = new
            switch (old, new) {
            case (nil, nil): return
            case (nil, let new?): expected[key, default: []].append(Event(kind: .insert, old: nil, new: new))
            case (let old?, nil): expected[key, default: []].append(Event(kind: .remove, old: old, new: nil))
            case (let old?, let new?): expected[key, default: []].append(Event(kind: .modify, old: old, new: new))
            }
        }
        for _ in 0..<300 {
            clock.advance(by: 0.25)
            let key = Self.key(&rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3:
                let item = Self.item(key, &rng)
                try await engine.writeItem(table: Self.table, key: key) { _ in ItemWrite(.put(item), result: ()) }
                change(key, to: item)
            case 4...5:
                // The same item again, its set in another order: no change.
                guard var same = model[key] else { continue }
                if case .ss(let members) = same["tags"] { same["tags"] = .ss(members.reversed()) }
                let rewritten = same
                try await engine.writeItem(table: Self.table, key: key) { _ in ItemWrite(.put(rewritten), result: ()) }
            case 6...7:
                // Deleting, also what is not there.
                try await engine.writeItem(table: Self.table, key: key) { _ in ItemWrite(.delete, result: ()) }
                change(key, to: nil)
            default:
                var keys = [key]
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    let other = Self.key(&rng)
                    if !keys.contains(other) { keys.append(other) }
                }
                let items = keys.map { Bool.random(using: &rng) ? Self.item($0, &rng) : nil }
                _ = try await engine.writeTransaction(keys.map { TransactionTarget(table: Self.table, key: $0) }, token: nil) { _ in
                    items.map { $0.map { .put($0) } ?? .delete }
                }
                for (key, item) in zip(keys, items) { change(key, to: item) }
            }
        }

        var seen: [PrimaryKey: [Event]] = [:]
        for shard in try await Self.records(of: engine, generation: 1) {
            #expect(zip(shard, shard.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
            for record in shard {
                let key = PrimaryKey(partition: record.keys["pk"]!, sort: record.keys["sk"])
                #expect(record.keys.count == 2)
                #expect(record.origin == .request)
                seen[key, default: []].append(Event(kind: record.event, old: record.oldImage, new: record.newImage))
            }
        }
        // What the view type keeps of each expected change.
        let kept = expected.mapValues { events in
            events.map { Event(kind: $0.kind, old: viewType.keepsOldImage ? $0.old : nil, new: viewType.keepsNewImage ? $0.new : nil) }
        }
        for key in Set(seen.keys).union(kept.keys) where seen[key] != kept[key] {
            let a = seen[key] ?? [], b = kept[key] ?? []
            let first = Array(zip(a, b)).firstIndex { $0 != $1 } ?? min(a.count, b.count)
            Issue.record("\(key): \(a.count) records, \(b.count) expected; first difference at \(first): \(first < a.count ? "\(a[first])" : "-") vs \(first < b.count ? "\(b[first])" : "-")")
        }
        await engine.close()
    }

    @Test func sequenceNumbersGrowAcrossRestartsAndEachStreamKeepsItsOwn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-streams-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock()
        var engine = try Self.engine(directory: directory, clock: clock)
        _ = try await engine.createTable(Self.definition(.keysOnly, at: clock.now))
        func write(_ count: Int, from first: Int) async throws {
            for n in first..<first + count {
                let key = PrimaryKey(partition: .s("p\(n)"), sort: .n(DynamoNumber(n)))
                try await engine.writeItem(table: Self.table, key: key) { _ in ItemWrite(.put(["pk": key.partition, "sk": key.sort!]), result: ()) }
            }
        }
        try await write(20, from: 0)
        await engine.close()
        engine = try Self.engine(directory: directory, clock: clock)
        try await write(20, from: 20)
        let first = try await Self.records(of: engine, generation: 1)
        #expect(first.map(\.count).reduce(0, +) == 40)
        for shard in first { #expect(zip(shard, shard.dropFirst()).allSatisfy { $0.sequence < $1.sequence }) }

        // Disabled: no more records for stream 1; enabled again: stream 2 has its own.
        clock.advance(by: 1)
        _ = try await engine.updateTable(named: Self.table) { $0.disableStream(at: clock.now) }
        try await write(10, from: 40)
        clock.advance(by: 1)
        _ = try await engine.updateTable(named: Self.table) { $0.enableStream(.newImage, at: clock.now) }
        try await write(10, from: 50)
        let after = try await Self.records(of: engine, generation: 1)
        #expect(after.map { $0.map(\.sequence) } == first.map { $0.map(\.sequence) })
        let second = try await Self.records(of: engine, generation: 2)
        #expect(second.map(\.count).reduce(0, +) == 10)
        #expect(second.joined().allSatisfy { $0.newImage != nil })
        let ranges = try await engine.streamShards(table: Self.table, generation: 1)
        for (range, shard) in zip(ranges, first) { #expect(range.last == shard.last?.sequence) }
        await engine.close()
    }

    @Test func theTrimmerDropsRecordsOlderThanADayAndForgetsOldStreams() async throws {
        let clock = TestClock()
        let engine = try Self.engine(directory: nil, clock: clock)
        let start = clock.now
        var definition = Self.definition(.newAndOldImages, at: start)
        definition.disableStream(at: start)
        definition.enableStream(.newAndOldImages, at: start)
        _ = try await engine.createTable(definition)
        func write(_ range: Range<Int>) async throws {
            for n in range {
                let key = PrimaryKey(partition: .s("p\(n)"), sort: .n(DynamoNumber(n)))
                try await engine.writeItem(table: Self.table, key: key) { _ in ItemWrite(.put(["pk": key.partition, "sk": key.sort!]), result: ()) }
            }
        }
        try await write(0..<600)
        clock.advance(by: 20 * 3600)
        try await write(600..<700)
        #expect(await engine.trimStreamRecords(now: start + 23.9 * 3600) == 0)
        #expect(await engine.trimStreamRecords(now: start + 25 * 3600) == 600)
        #expect(await engine.trimStreamRecords(now: start + 25 * 3600) == 0)
        let left = try await Self.records(of: engine, generation: 2).joined()
        #expect(left.count == 100)
        let ranges = try await engine.streamShards(table: Self.table, generation: 2)
        for (range, shard) in zip(ranges, try await Self.records(of: engine, generation: 2)) {
            if let first = shard.first { #expect(range.trimmedThrough < first.sequence) }
            #expect(range.first == shard.first?.sequence)
        }
        // Stream 1 (disabled at the start) is forgotten; the latest stays.
        #expect(engine.table(named: Self.table)?.streams.map(\.generation) == [2])
        await engine.close()
    }

    @Test func aTimeToLiveDeletionIsRecordedAsTheService() async throws {
        let clock = TestClock()
        let engine = try Self.engine(directory: nil, clock: clock)
        _ = try await engine.createTable(Self.definition(.oldImage, at: clock.now, timeToLive: "expires"))
        let key = PrimaryKey(partition: .s("session"), sort: .n(DynamoNumber(1)))
        let item: Item = ["pk": key.partition, "sk": key.sort!, "expires": .n(DynamoNumber(Int(clock.now) - 10))]
        try await engine.writeItem(table: Self.table, key: key) { _ in ItemWrite(.put(item), result: ()) }
        #expect(await engine.sweepExpiredItems(now: clock.now) == 1)
        let records = try await Self.records(of: engine, generation: 1).joined()
        #expect(records.map(\.event) == [.insert, .remove])
        #expect(records.map(\.origin) == [.request, .timeToLive])
        #expect(records.last?.oldImage == item)
        await engine.close()
    }
}
