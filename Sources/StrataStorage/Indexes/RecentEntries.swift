import Synchronization

/// A global index partition's newest entry writes, held in memory in key
/// order until the propagator writes them to the partition's database
/// together (`IndexPropagator`): an entry at a random place of the
/// index's B-tree costs a whole page in the log, however small it is, so
/// one transaction of many entries writes each page once for all of them
/// instead of once for each. Reads of the partition lay these over what
/// the database holds: a client reads its writes through the index as soon
/// as they are answered.
///
/// Only the propagator changes the entries, one round at a time; reads
/// copy the ones their range covers. A write to the database takes the
/// entries held so far (`freeze`), while new ones gather beside them; it
/// commits before it drops them, and a read copies the entries before it
/// starts its database read, so a read never misses an entry between the
/// two.
final class RecentEntries: Sendable {
    /// An entry's newest write: its value, or nil for a removal.
    struct Entry {
        var key: [UInt8]
        var item: StoredItem?
    }

    private struct State {
        /// In key order, one per key: the entries gathering.
        var entries: [Entry] = []
        var bytes = 0
        /// In key order: the entries being written to the database, older
        /// than any of `entries` of the same key.
        var writing: [Entry] = []
    }

    private let state = Mutex(State())

    /// How many entries are gathering.
    var count: Int { state.withLock { $0.entries.count } }

    /// Bytes of the gathering entries' keys and values.
    var bytes: Int { state.withLock { $0.bytes } }

    /// Holds `mutation` in place of any earlier write of its key.
    func apply(_ mutation: IndexMutation) {
        let entry: Entry = switch mutation {
        case .put(let key, let item): Entry(key: key, item: StoredItem(value: item.value, size: item.size))
        case .delete(let key): Entry(key: key, item: nil)
        }
        state.withLock { state in
            let position = Self.firstPosition(notBefore: entry.key, in: state.entries)
            state.bytes += Self.bytes(of: entry)
            if position < state.entries.count, state.entries[position].key == entry.key {
                state.bytes -= Self.bytes(of: state.entries[position])
                state.entries[position] = entry
            } else {
                state.entries.insert(entry, at: position)
            }
        }
    }

    /// The gathering entries, in key order, for a write to the database:
    /// new ones gather beside them until `written`.
    func freeze() -> [Entry] {
        state.withLock { state in
            precondition(state.writing.isEmpty, "one write at a time")
            state.writing = state.entries
            state.entries = []
            state.bytes = 0
            return state.writing
        }
    }

    /// Drops the entries `freeze` gave, once the database holds them (or
    /// the write failed: the table's change log still has their changes).
    func written() {
        state.withLock { $0.writing = [] }
    }

    /// The entries inside `range`, in the order a read in that direction
    /// meets them; of a key both gathering and being written, the newer.
    func entries(in range: KeyRange, forward: Bool) -> [Entry] {
        let (newer, older) = state.withLock { state in
            (Self.slice(of: state.entries, in: range), Self.slice(of: state.writing, in: range))
        }
        var merged: [Entry] = []
        merged.reserveCapacity(newer.count + older.count)
        var next = older.startIndex
        for entry in newer {
            while next < older.endIndex, older[next].key.sortsBefore(entry.key) {
                merged.append(older[next])
                next += 1
            }
            if next < older.endIndex, older[next].key == entry.key { next += 1 }
            merged.append(entry)
        }
        merged.append(contentsOf: older[next...])
        return forward ? merged : merged.reversed()
    }

    private static func slice(of entries: [Entry], in range: KeyRange) -> ArraySlice<Entry> {
        guard !entries.isEmpty else { return [] }
        var start = 0
        if let lower = range.lower {
            start = lower.inclusive ? firstPosition(notBefore: lower.key, in: entries) : firstPosition(after: lower.key, in: entries)
        }
        var end = entries.count
        if let upper = range.upper {
            end = upper.inclusive ? firstPosition(after: upper.key, in: entries) : firstPosition(notBefore: upper.key, in: entries)
        }
        return start < end ? entries[start..<end] : []
    }

    private static func bytes(of entry: Entry) -> Int {
        entry.key.count + (entry.item?.value.count ?? 0)
    }

    /// The first position whose key is not before `key`.
    private static func firstPosition(notBefore key: [UInt8], in entries: [Entry]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key.sortsBefore(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first position whose key is after `key`.
    private static func firstPosition(after key: [UInt8], in entries: [Entry]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if key.sortsBefore(entries[middle].key) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
