import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// Time to live on an injected clock: a sweep deletes exactly the items
/// whose Number expiry has passed (not those five years past, not other
/// types), through the writer, so that the indexes follow; an item moved
/// to a later expiry is kept; items written before time to live was turned
/// on expire too.
@Suite struct TimeToLiveTests {
    static let now = 1_800_000_000.5

    static func item(_ n: Int, expires: AttributeValue?) -> (PrimaryKey, Item) {
        let key = PrimaryKey(partition: .s("p\(n % 3)"), sort: .n(DynamoNumber(n)))
        var item: Item = ["pk": key.partition, "sk": key.sort!, "color": .s("red"), "size": .n(DynamoNumber(n))]
        item["ttl"] = expires
        return (key, item)
    }

    static func write(_ engine: SQLiteStorageEngine, _ entries: [(PrimaryKey, Item)]) async throws {
        for (key, item) in entries {
            try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.put(item), result: ()) }
        }
    }

    /// Expired (the past, incl. a fraction), kept (the future, this very
    /// second's fraction ahead, five years and a day ago, a string, none).
    static let cases: [(AttributeValue?, expires: Bool)] = [
        (.n(DynamoNumber(Int(now) - 60)), true),
        (.n(try! DynamoNumber(parsing: "\(Int(now)).25")), true),
        (.n(DynamoNumber(Int(now) + 60)), false),
        (.n(DynamoNumber(Int(now) - ItemExpiry.ignoredAfter - 86_400)), false),
        (.s("\(Int(now) - 60)"), false),
        (nil, false),
    ]

    @Test(arguments: [true, false])
    func aSweepDeletesWhatExpiredAndTheIndexesFollow(turnedOnLater: Bool) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-ttl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        var definition = IndexSimulationTests.definition()
        definition.localIndexes = []
        definition.globalIndexes = [IndexSimulationTests.byColor]
        if !turnedOnLater { definition.timeToLiveAttribute = "ttl" }
        _ = try await engine.createTable(definition)
        let entries = (0..<30).map { Self.item($0, expires: Self.cases[$0 % Self.cases.count].0) }
        try await Self.write(engine, entries)
        if turnedOnLater {
            _ = try await engine.updateTable(named: "indexed") { $0.timeToLiveAttribute = "ttl" }
            await engine.fillExpiries(of: "indexed", attribute: "ttl")
        }
        // One item moves to a later expiry just before the sweep.
        let (movedKey, movedItem) = entries[0]
        var later = movedItem
        later["ttl"] = .n(DynamoNumber(Int(Self.now) + 3600))
        try await Self.write(engine, [(movedKey, later)])

        let deleted = await engine.sweepExpiredItems(now: Self.now)
        let expected = entries.enumerated().filter { Self.cases[$0.offset % Self.cases.count].expires && $0.offset != 0 }
        #expect(deleted == expected.count)
        for (offset, (key, _)) in entries.enumerated() {
            let gone = Self.cases[offset % Self.cases.count].expires && offset != 0
            #expect((try await engine.item(table: "indexed", key: key) == nil) == gone, "item \(offset)")
        }
        #expect(await engine.sweepExpiredItems(now: Self.now) == 0)
        var survivors: [PrimaryKey: Item] = [:]
        for (offset, (key, item)) in entries.enumerated() where offset == 0 || !Self.cases[offset % Self.cases.count].expires {
            survivors[key] = offset == 0 ? later : item
        }
        try await IndexSimulationTests.expectIndexes(of: engine, toMatch: survivors, definition: definition)
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
    }
}
