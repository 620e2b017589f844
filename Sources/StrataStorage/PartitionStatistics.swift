/// Item count and total item size of a partition or table.
public struct PartitionStatistics: Sendable, Equatable {
    public var itemCount = 0
    public var sizeBytes = 0

    public init(itemCount: Int = 0, sizeBytes: Int = 0) {
        self.itemCount = itemCount
        self.sizeBytes = sizeBytes
    }

    mutating func add(_ other: PartitionStatistics) {
        itemCount += other.itemCount
        sizeBytes += other.sizeBytes
    }
}
