#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
    /// The engine's threads for requests' storage work that does not run
    /// where the request runs (the front's event loops, which read as
    /// these threads do): opening partition files, index propagation, and
    /// the reads of tasks started elsewhere. One per core.
    public var requestThreads = StorageOptions.coreCount
    /// The engine's threads for long work (Scan pages, table files), at
    /// the lowest priority, so that it never holds a request thread. All
    /// cores but one by default: measured on 2 cores (Benchmarks/starvation),
    /// one bulk thread kept GetItem's p99 beside 4 full-table scanners at
    /// 4.3-4.6 ms, two gave 6-7.6 ms and eight 7.6-11.9 ms.
    public var bulkThreads = max(1, StorageOptions.coreCount - 1)
    /// Reader connections open at most per partition for requests' reads:
    /// one per core, since a read runs to its end without suspending, so
    /// no more than one per core is under way at once; a read that finds
    /// none idle (its thread preempted mid-read) waits on the request threads.
    public var readersPerPartition = StorageOptions.coreCount
    /// Reader connections open at most per partition for Scan pages.
    public var bulkReadersPerPartition = 2
    /// File descriptors the tables' partitions may hold at once (the
    /// catalog and transaction log are not counted). An open partition
    /// holds 2 (its writer's file and log) and 2 more per reader
    /// connection; the least recently used idle partitions close when
    /// others need room, and a request that finds every partition busy
    /// gets LimitExceededException. The
    /// server derives it from its open-files limit; this default keeps a
    /// library user or a test far below any usual limit.
    public var maximumOpenFiles = 256
    /// How long a read transaction waits for items a write transaction
    /// holds before it is cancelled with a conflict.
    public var transactionReadWait: Duration = .seconds(3)
    /// Where background failures (checkpoints) are reported.
    public var logger = Logger(label: "strata.storage")
    /// How often `run()` deletes expired items of tables with time to live.
    public var timeToLiveInterval: Duration = .seconds(1)
    /// How often `run()` trims stream records older than 24 hours.
    public var streamTrimInterval: Duration = .seconds(60)
    /// How often `run()` empties the write-ahead logs of databases that no
    /// commit wrote to since its previous look.
    public var idleLogInterval: Duration = .seconds(10)
    /// Seconds since 1970 now: when items expire, when stream records are
    /// written and trimmed. Tests inject their own.
    public var now: @Sendable () -> Double = {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// For crash tests: every write transaction stops right after its
    /// commit point, as if the process died there, leaving its record to be
    /// applied at the next start.
    var haltTransactionsAfterCommit = false

    /// How long a global index trails its table. Zero (the default): a
    /// write is answered once its index entries are readable, so that a
    /// client reads its own writes through an index. More reproduces
    /// DynamoDB's eventually consistent indexes in tests.
    public var indexLag: Duration = .zero
    /// Bytes one item collection (the items of one partition-key value
    /// and their local index entries) may hold on a table with local
    /// indexes: DynamoDB's 10 GB, lowered by tests.
    public var itemCollectionLimit = 10 * 1024 * 1024 * 1024

    public init(dataDirectory: String?, durability: Durability = .process, partitionsPerTable: Int = 8) {
        self.dataDirectory = dataDirectory
        self.durability = durability
        self.partitionsPerTable = partitionsPerTable
    }

    /// The processors this process may run on.
    public static var coreCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
