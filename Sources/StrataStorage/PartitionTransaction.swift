/// What a write request sees of its partition during the group transaction,
/// and the statistics the transaction changes. Only valid inside the
/// request's body, on the partition writer's queue.
final class PartitionTransaction: GroupCommitTransaction {
    private let connection: SQLiteConnection
    private var delta = PartitionStatistics()
    /// Item bytes written, including those of requests later rolled back.
    private(set) var bytesWritten = 0

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    func current(_ key: [UInt8]) throws -> StoredItem? {
        try ItemsTable.stored(key, on: connection)
    }

    /// The current item's size alone: what a write that never looks at the
    /// old item needs for its capacity and the statistics.
    func currentSize(_ key: [UInt8]) throws -> Int? {
        try ItemsTable.size(of: key, on: connection)
    }

    /// Stores `new` under `key` over an item of `oldSize` (nil: none).
    func put(_ key: [UInt8], _ new: StoredItem, replacingSize oldSize: Int?) throws {
        try ItemsTable.upsert(key, new, on: connection)
        bytesWritten += new.value.count + key.count
        delta.itemCount += oldSize == nil ? 1 : 0
        delta.sizeBytes += new.size - (oldSize ?? 0)
    }

    func delete(_ key: [UInt8], existingSize: Int) throws {
        try ItemsTable.delete(key, on: connection)
        delta.itemCount -= 1
        delta.sizeBytes -= existingSize
    }

    // MARK: GroupCommitTransaction

    var savepoint: PartitionStatistics { delta }

    func rollBack(to savepoint: PartitionStatistics) {
        delta = savepoint
    }

    func willCommit() throws {
        guard delta != PartitionStatistics() else { return }
        try ItemsTable.addStatistics(delta, on: connection)
    }

    func addCommitted(to totals: inout PartitionStatistics) {
        totals.add(delta)
    }
}
