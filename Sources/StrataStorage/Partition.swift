import StrataModel

/// One storage partition: a SQLite database holding the items whose
/// partition hash falls in its range.
///
/// Writes go through a single writer on a serial queue that applies every
/// queued request in one transaction (group commit). Reads check a
/// connection out of a bounded pool, on the storage threads; in WAL mode
/// they run beside the writer and always see the latest commit.
final class Partition: Sendable {
    /// What a partition needs from its engine.
    struct Environment: Sendable {
        var durability: StorageOptions.Durability
        var readersPerPartition: Int
        var bulkReadersPerPartition: Int
        var threads: StorageThreads
        var checkpoints: CheckpointRequests
    }

    let location: DatabaseLocation
    private let writer: GroupCommitWriter<PartitionTransaction>
    private let checkpointer: Checkpointer?
    /// Connections for requests' reads, and separately for bulk reads
    /// (Scan pages), so that a request never waits for a scan's connection.
    let readers: ReaderPool
    let bulkReaders: ReaderPool
    let threads: StorageThreads

    /// Opens (creating if needed) the partition's database; blocks, so on
    /// the storage threads or at start-up only.
    init(location: DatabaseLocation, environment: Environment) throws {
        self.location = location
        let connection = try SQLiteConnection(location)
        try FormatVersion.prepare(connection, .partition, at: location)
        try Self.configure(connection, location: location, durability: environment.durability)
        try ItemsTable.create(on: connection)
        let statistics = try ItemsTable.statistics(on: connection)
        checkpointer = try Checkpointer.replacingAutomaticCheckpoints(
            of: connection, at: location, requests: environment.checkpoints)
        writer = GroupCommitWriter(
            connection: connection, label: "strata.writer.\(location.uri)", totals: statistics, checkpointer: checkpointer)
        threads = environment.threads
        // No mmap: mapped pages would count toward the server's resident
        // memory for as long as a table is read, while the page cache stays bounded.
        let openReader: @Sendable () throws -> SQLiteConnection = {
            let reader = try SQLiteConnection(location)
            try reader.execute("PRAGMA cache_size=-\(Self.readerCacheKiB)")
            return reader
        }
        readers = ReaderPool(capacity: environment.readersPerPartition, open: openReader)
        bulkReaders = ReaderPool(capacity: environment.bulkReadersPerPartition, open: openReader)
    }

    /// Page cache per reader connection.
    static let readerCacheKiB = 2048

    static func configure(_ connection: SQLiteConnection, location: DatabaseLocation, durability: StorageOptions.Durability) throws {
        guard location.isFile else { return }
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
    }

    var statistics: PartitionStatistics {
        writer.totals
    }

    /// Runs `body` inside the writer's next group transaction; its result is
    /// returned once that transaction has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (PartitionTransaction) throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    /// Runs `body` in a transaction of its own at once; for start-up work only.
    func writeNow<T>(_ body: (PartitionTransaction) throws -> T) throws -> T {
        try writer.writeNow(body)
    }

    /// The stored value of one key, read on the request threads.
    func get(_ key: [UInt8]) async throws -> StoredItem? {
        try await readers.withConnection(on: threads.requests) { try ItemsTable.stored(key, on: $0) }
    }

    /// Whose read a range read is: a request's (a Query page), on the
    /// request threads, or bulk (a Scan page), on the bulk threads.
    enum ReadClass {
        case request
        case bulk
    }

    /// Reads items of `range` into `page`; see `ItemsTable.read`.
    func read(
        _ range: KeyRange, forward: Bool, limit: PageLimit, peek: Bool, into page: inout ItemPage, as readClass: ReadClass
    ) async throws -> Bool {
        let (pool, executor) = readClass == .request ? (readers, threads.requests) : (bulkReaders, threads.bulk)
        return try await pool.withConnection(on: executor) { connection in
            try ItemsTable.read(range, forward: forward, limit: limit, peek: peek, into: &page, on: connection)
        }
    }

    /// Finishes queued writes, then closes every connection.
    func close() async {
        await writer.close()
        checkpointer?.close()
        readers.close()
        bulkReaders.close()
    }
}
