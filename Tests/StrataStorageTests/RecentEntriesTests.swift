@testable import StrataStorage
import Testing

/// A global index partition's entries waiting in memory: one per key, the
/// newest write winning, read back by range in either direction.
@Suite struct RecentEntriesTests {
    private static func item(_ byte: UInt8) -> StoredItem {
        StoredItem(value: [byte, byte], size: 2)
    }

    private static func keys(_ entries: [RecentEntries.Entry]) -> [[UInt8]] {
        entries.map(\.key)
    }

    @Test func theNewestWriteOfAKeyWins() {
        let recent = RecentEntries()
        recent.apply(.put([2], Self.item(1)))
        recent.apply(.put([1], Self.item(1)))
        recent.apply(.put([2], Self.item(9)))
        recent.apply(.delete([1]))
        recent.apply(.delete([3]))
        #expect(recent.count == 3)
        // Keys and values: [1] and [3] removed (1 byte each), [2] with its 2-byte value.
        #expect(recent.bytes == 1 + 3 + 1)
        let frozen = recent.freeze()
        #expect(Self.keys(frozen) == [[1], [2], [3]])
        #expect(frozen.map { $0.item?.value } == [nil, [9, 9], nil])
        #expect(recent.count == 0 && recent.bytes == 0)
    }

    /// Entries being written stay readable until the database holds them;
    /// a newer write of the same key, gathering meanwhile, hides them.
    @Test func entriesBeingWrittenAreReadUntilWritten() {
        let recent = RecentEntries()
        recent.apply(.put([1], Self.item(1)))
        recent.apply(.put([3], Self.item(3)))
        recent.apply(.put([5], Self.item(5)))
        _ = recent.freeze()
        recent.apply(.delete([3]))
        recent.apply(.put([4], Self.item(4)))
        recent.apply(.put([5], Self.item(6)))
        let all = recent.entries(in: KeyRange(), forward: true)
        #expect(Self.keys(all) == [[1], [3], [4], [5]])
        #expect(all.map { $0.item?.value } == [[1, 1], nil, [4, 4], [6, 6]])
        #expect(Self.keys(recent.entries(in: KeyRange(), forward: false)) == [[5], [4], [3], [1]])
        recent.written()
        #expect(Self.keys(recent.entries(in: KeyRange(), forward: true)) == [[3], [4], [5]])
    }

    @Test func aRangeReadsItsEntriesInEitherDirection() {
        let recent = RecentEntries()
        for key: UInt8 in [5, 1, 3, 9, 7] { recent.apply(.put([key], Self.item(key))) }
        let inclusive = KeyRange(lower: .init([3], inclusive: true), upper: .init([7], inclusive: true))
        #expect(Self.keys(recent.entries(in: inclusive, forward: true)) == [[3], [5], [7]])
        #expect(Self.keys(recent.entries(in: inclusive, forward: false)) == [[7], [5], [3]])
        let exclusive = KeyRange(lower: .init([3], inclusive: false), upper: .init([7], inclusive: false))
        #expect(Self.keys(recent.entries(in: exclusive, forward: true)) == [[5]])
        let between = KeyRange(lower: .init([3, 0], inclusive: true), upper: .init([4], inclusive: true))
        #expect(recent.entries(in: between, forward: true).isEmpty)
        #expect(Self.keys(recent.entries(in: KeyRange(upper: .init([2], inclusive: true)), forward: true)) == [[1]])
        #expect(Self.keys(recent.entries(in: KeyRange(), forward: false)) == [[9], [7], [5], [3], [1]])
    }
}
