/// What an open partition holds: its writer's connection, and the pools of
/// its readers' connections. A `Partition` opens one when it is used and
/// closes it when it is idle and its descriptors are needed elsewhere.
final class PartitionFiles: Sendable {
    /// What opening does to the database besides connecting to it.
    enum Preparation: Equatable {
        /// A new file: stamp its version and create its tables, in one
        /// transaction (a crash leaves a database with no tables, which
        /// holds nothing).
        case create
        /// An existing file, first opened by this process: refuse a newer
        /// version, create what a crash during `create` left out, and read
        /// the statistics.
        case firstOpen
        /// Prepared before by this process: nothing to check, and the
        /// statistics are those it had when it closed.
        case reopen(PartitionStatistics)
    }

    /// Descriptors of an open partition besides its readers': the writer's
    /// database file and write-ahead log (the log's index is in memory,
    /// see `SQLiteConnection.fileSystem`).
    static let writerDescriptors = 2

    let writer: GroupCommitWriter<PartitionTransaction>
    /// Connections for requests' reads, and separately for bulk reads
    /// (Scan pages, checkpoints), so that a request never waits for a
    /// scan's connection.
    let readers: ReaderPool
    let bulkReaders: ReaderPool
    /// Nil for an in-memory database, which takes no descriptors.
    private let openFiles: OpenFiles?

    /// Opens the database (creating it for `.create`) and prepares it;
    /// blocks. The caller has counted `writerDescriptors` in `openFiles`.
    init(
        location: DatabaseLocation, environment: Partition.Environment, preparation: Preparation,
        checkpointer: Checkpointer?, upkeep: PartitionUpkeep?
    ) throws {
        // A new file is created private (0600) before SQLite opens it.
        let connection = try preparation == .create ? SQLiteConnection(location) : SQLiteConnection(path: location.uri)
        let statistics: PartitionStatistics
        let writerContext: PartitionContext?
        do {
            statistics = try Self.prepare(
                connection, preparation, at: location, durability: environment.durability, layout: ItemsTable.Layout(upkeep))
            if checkpointer != nil { try Checkpointer.turnOffAutomaticCheckpoints(of: connection) }
            writerContext = try upkeep.map { PartitionContext(upkeep: $0, hasChangeLog: try ChangeLogTable.exists(on: connection)) }
        } catch {
            connection.close()
            throw error
        }
        openFiles = location.isFile ? environment.openFiles : nil
        writer = GroupCommitWriter(
            connection: connection, label: "strata.writer.\(location.uri)", totals: statistics, checkpointer: checkpointer,
            context: writerContext)
        // No mmap: mapped pages would count toward the server's resident
        // memory for as long as a table is read, while the page cache stays bounded.
        let openReader: @Sendable () throws -> SQLiteConnection = {
            let reader = try SQLiteConnection(path: location.uri)
            try reader.execute("PRAGMA cache_size=-\(Self.readerCacheKiB)")
            return reader
        }
        readers = ReaderPool(capacity: environment.readersPerPartition, openFiles: openFiles, open: openReader)
        bulkReaders = ReaderPool(capacity: environment.bulkReadersPerPartition, openFiles: openFiles, open: openReader)
    }

    /// Page cache per reader connection.
    static let readerCacheKiB = 2048

    /// Prepares an existing file as `.firstOpen` does, on a connection of
    /// its own that closes at once; returns the statistics. For start-up,
    /// when nothing else has the file open. The caller has counted
    /// `writerDescriptors`.
    static func inspect(
        _ location: DatabaseLocation, durability: StorageOptions.Durability, layout: ItemsTable.Layout
    ) throws -> PartitionStatistics {
        let connection = try SQLiteConnection(path: location.uri)
        defer { connection.close() }
        return try prepare(connection, .firstOpen, at: location, durability: durability, layout: layout)
    }

    /// Returns the partition's statistics.
    private static func prepare(
        _ connection: SQLiteConnection, _ preparation: Preparation, at location: DatabaseLocation,
        durability: StorageOptions.Durability, layout: ItemsTable.Layout
    ) throws -> PartitionStatistics {
        if case .reopen(let statistics) = preparation {
            try Partition.configure(connection, location: location, durability: durability)
            return statistics
        }
        // Before anything writes to the file.
        if preparation == .create, layout == .globalIndex { try connection.execute(ItemsTable.globalIndexPageSize) }
        let version = try FormatVersion.check(connection, .partition, at: location)
        try Partition.configure(connection, location: location, durability: durability)
        try connection.execute("BEGIN IMMEDIATE")
        do {
            if version == FormatVersion.unstamped { try FormatVersion.stamp(connection, .partition) }
            try ItemsTable.create(on: connection, layout: layout)
            let statistics = preparation == .create ? PartitionStatistics() : try ItemsTable.statistics(on: connection)
            try connection.execute("COMMIT")
            return statistics
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Closes every connection now, blocking: only when nothing reads or
    /// writes (an idle partition closed to free its descriptors).
    func closeNow() {
        readers.close()
        bulkReaders.close()
        writer.closeNow()
        openFiles?.release(Self.writerDescriptors)
    }

    /// Closes idle readers, finishes queued writes and closes the writer;
    /// readers in use close when their reads end.
    func close() async {
        readers.close()
        bulkReaders.close()
        await writer.close()
        openFiles?.release(Self.writerDescriptors)
    }
}
