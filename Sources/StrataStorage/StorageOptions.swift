import Logging

/// How the SQLite engine keeps its files and spends its threads.
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
    /// Partitions per new table; a table keeps the count it was created with.
    public var partitionsPerTable: Int
    /// The engine's own threads, on which every blocking SQLite call runs.
    public var storageThreads = 16
    /// Reader connections open at most per partition; more reads wait.
    public var readersPerPartition = 4
    /// How long a read transaction waits for items a write transaction
    /// holds before it is cancelled with a conflict.
    public var transactionReadWait: Duration = .seconds(3)
    /// Where background failures (checkpoints) are reported.
    public var logger = Logger(label: "strata.storage")

    /// For crash tests: every write transaction stops right after its
    /// commit point, as if the process died there, leaving its record to be
    /// applied at the next start.
    var haltTransactionsAfterCommit = false

    public init(dataDirectory: String?, durability: Durability = .process, partitionsPerTable: Int = 8) {
        self.dataDirectory = dataDirectory
        self.durability = durability
        self.partitionsPerTable = partitionsPerTable
    }
}
