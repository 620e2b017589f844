/// How the SQLite engine keeps its files.
public struct StorageOptions: Sendable {
    public enum Durability: String, Sendable, CaseIterable {
        /// Survives `kill -9`: every commit is in the OS before it is acknowledged.
        case process
        /// Also survives power loss: one fsync per group commit.
        case full
    }

    /// Where the catalog and partition files live; nil keeps everything in memory.
    public var dataDirectory: String?
    public var durability: Durability
    /// Partitions per new table.
    public var partitionsPerTable: Int

    /// For crash tests: every write transaction stops right after its
    /// commit point, as if the process died there, leaving its record to be
    /// applied at the next start.
    public var haltTransactionsAfterCommit = false

    public init(dataDirectory: String?, durability: Durability = .process, partitionsPerTable: Int = 8) {
        self.dataDirectory = dataDirectory
        self.durability = durability
        self.partitionsPerTable = partitionsPerTable
    }
}
