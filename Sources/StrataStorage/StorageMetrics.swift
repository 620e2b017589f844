/// What a storage engine reports of each table for the metrics, from what
/// it keeps in memory: no file is read to answer a scrape.
public struct TableMetrics: Sendable, Equatable {
    public var name: String
    public var items: Int
    public var bytes: Int
    /// Bytes in the write-ahead logs of its open partitions.
    public var logBytes: Int
    /// Changes committed and not yet in its global indexes.
    public var pendingIndexChanges: Int

    public init(name: String, items: Int, bytes: Int, logBytes: Int, pendingIndexChanges: Int) {
        self.name = name
        self.items = items
        self.bytes = bytes
        self.logBytes = logBytes
        self.pendingIndexChanges = pendingIndexChanges
    }
}
