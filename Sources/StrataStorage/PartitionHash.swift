import StrataModel

/// The stable 64-bit hash of a partition-key value: the first eight bytes of
/// the MD5 of the value's type tag and canonical bytes. It is persisted (it
/// leads every stored key), so it must never change.
public enum PartitionHash {
    public static func hash(_ value: AttributeValue) -> UInt64 {
        var input: [UInt8] = []
        KeyEncoding.appendCanonical(value, to: &input)
        return input.withUnsafeBytes { MD5.prefix64(of: $0) }
    }

    /// The partition, of `count`, that owns `hash`: partitions split the hash
    /// space into equal contiguous ranges.
    public static func partition(of hash: UInt64, count: Int) -> Int {
        Int(hash.multipliedFullWidth(by: UInt64(count)).high)
    }

    /// Every hash that partition `index` of `count` owns.
    public static func range(ofPartition index: Int, count: Int) -> ClosedRange<UInt64> {
        let upper = index + 1 == count ? UInt64.max : lowerBound(ofPartition: index + 1, count: count) - 1
        return lowerBound(ofPartition: index, count: count)...upper
    }

    /// The first hash that partition `index` owns.
    public static func lowerBound(ofPartition index: Int, count: Int) -> UInt64 {
        if index == 0 { return 0 }
        // ceil(index * 2^64 / count)
        let (quotient, remainder) = UInt64(count).dividingFullWidth((high: UInt64(index), low: 0))
        return remainder == 0 ? quotient : quotient + 1
    }
}
