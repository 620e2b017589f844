import Glibc

extension Array where Element == UInt8 {
    /// Whether these encoded key bytes sort before `other`'s, in the
    /// order SQLite keeps BLOB keys (memcmp, then the shorter first).
    /// `lexicographicallyPrecedes` compares the same way a byte at a time
    /// through generic iterators: it was 3% of an indexed PutItem, in the
    /// binary searches over an index partition's recent entries.
    func sortsBefore(_ other: [UInt8]) -> Bool {
        let common = Swift.min(count, other.count)
        let order = withUnsafeBufferPointer { mine in
            other.withUnsafeBufferPointer { theirs in common == 0 ? 0 : memcmp(mine.baseAddress!, theirs.baseAddress!, common) }
        }
        return order != 0 ? order < 0 : count < other.count
    }
}
