import Logging
import StrataModel
import Synchronization

/// The storage engine of DESIGN.md: a catalog database plus, for each
/// table, a fixed number of partition databases that split the partition
/// hash space into contiguous ranges. Every blocking SQLite call made for a
/// request runs on the engine's own threads (`StorageExecutor`). Partition
/// files stay open only within `StorageOptions.maximumOpenFiles`
/// descriptors (`OpenFiles`): idle ones close and reopen on demand.
public final class SQLiteStorageEngine: StorageEngine {
    /// A table's catalog record and open files. A class, so that finding a
    /// table (twice a request) copies one reference, not every field of
    /// the record; a changed record makes a new entry.
    final class Entry: Sendable {
        let record: CatalogRecord
        let store: TableStore
        /// The table's indexes as its partitions maintain them.
        let indexing: TableIndexing
        var definition: TableDefinition { record.definition }

        init(record: CatalogRecord, store: TableStore, indexing: TableIndexing) {
            self.record = record
            self.store = store
            self.indexing = indexing
        }

        func with(_ record: CatalogRecord) -> Entry {
            Entry(record: record, store: store, indexing: indexing)
        }
    }

    struct Tables {
        var entries: [String: Entry] = [:]
        /// Names whose CreateTable is opening files, so that a second one fails at once.
        var creating: Set<String> = []

        /// The table a name or an ARN names; an ARN must be the table's
        /// own (its region and account).
        func entry(_ reference: String) -> Entry? {
            guard let name = TableReference.name(inARN: reference) else { return entries[reference] }
            guard let entry = entries[name], entry.definition.arn == reference else { return nil }
            return entry
        }
    }

    let options: StorageOptions
    /// Distinguishes this process's in-memory databases from any other's.
    let instance: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36) + String(generator.next() as UInt64, radix: 36)
    }()
    let threads: StorageThreads
    private let checkpoints: CheckpointRequests
    /// The descriptors partitions hold, within `options.maximumOpenFiles`.
    let openFiles: OpenFiles
    /// Serializes catalog changes; it guards the catalog connection and is
    /// held only on the storage threads, never while a table's files open.
    private let catalog: Mutex<Catalog>
    let tables = Mutex(Tables())
    /// Set by `close()`: background work stops.
    let closing = Atomic(false)
    let transactions: TransactionCoordinator
    let backupCatalog = BackupCatalog()
    let historyHolds = HistoryHolds()
    /// The files besides the tables', for the integrity check.
    let catalogLocation: DatabaseLocation
    let transactionLogLocation: DatabaseLocation
    /// The data directory's lock, held while the engine lives.
    private let directoryLock: DirectoryLock?

    /// Opens the catalog and every table, and applies what a crash left
    /// half done; blocks, as start-up work before any request. Every
    /// partition file is opened once and closed again, to check its version
    /// and read its statistics.
    public init(options: StorageOptions) throws {
        self.options = options
        threads = StorageThreads(options: options)
        openFiles = OpenFiles(limit: options.maximumOpenFiles)
        checkpoints = CheckpointRequests(headroom: DiskHeadroom(dataDirectory: options.dataDirectory))
        if let directory = options.dataDirectory {
            let files = DataDirectory(path: directory)
            Self.warnIfShared(directory, logger: options.logger)
            try FileSystem.createDirectories(files.tables)
            // Two processes on one directory would each trust their own catalog and statistics.
            directoryLock = try DirectoryLock(path: files.lock, directory: directory)
            catalogLocation = .file(files.catalog)
        } else {
            directoryLock = nil
            catalogLocation = .memory(name: "strata-\(instance)-catalog")
        }
        let catalog = try Catalog(location: catalogLocation, durability: options.durability)
        var entries: [String: Entry] = [:]
        let environment = Self.partitionEnvironment(options: options, threads: threads, checkpoints: checkpoints, openFiles: openFiles)
        for record in try catalog.load() {
            let entry = try Self.openEntry(record, isNew: false, options: options, instance: instance, environment: environment)
            for partition in entry.allPartitions { try partition.prepareAtStartUp() }
            entries[record.definition.name] = entry
        }
        self.catalog = Mutex(catalog)
        tables.withLock { $0.entries = entries }
        transactionLogLocation = options.dataDirectory.map { .file(DataDirectory(path: $0).transactionLog) }
            ?? .memory(name: "strata-\(instance)-transactions")
        transactions = try TransactionCoordinator(
            log: try TransactionLog(location: transactionLogLocation, durability: options.durability, checkpoints: checkpoints),
            stores: entries.values.map(\.store), readWaitBound: options.transactionReadWait,
            haltAfterCommit: options.haltTransactionsAfterCommit, milliseconds: { [now = options.now] in Self.milliseconds(now()) })
        try removeOrphanedTableFiles(keeping: Set(entries.values.map(\.definition.id)))
        for entry in entries.values { removeOrphanedIndexFiles(of: entry.record) }
        // After the transaction log's replay, which may add changes.
        for entry in entries.values { try Self.catchUpIndexes(of: entry) }
        for entry in entries.values { resumeIndexWork(of: entry) }
        for entry in entries.values where entry.definition.pointInTimeRecovery != nil { historyHolds.noteKept(entry.definition.id) }
        try resumeBackupWork()
    }

    /// A data directory Strata creates is private (0700), its files 0600.
    /// One that already exists keeps its mode, but if other users may look
    /// into it, the operator hears of it.
    private static func warnIfShared(_ directory: String, logger: Logger) {
        guard let mode = FileSystem.permissions(of: directory), mode & 0o077 != 0 else { return }
        logger.warning(
            "The data directory is open to other users; Strata's own files in it are private, but consider chmod 700",
            metadata: ["path": "\(directory)", "mode": "\(String(mode, radix: 8))"])
    }

    public var requestExecutor: (any TaskExecutor)? { threads.requests }
    public var bulkExecutor: (any TaskExecutor)? { threads.bulk }
    public var runsRequestsOnAdoptedThreads: Bool { true }
    public func adoptCallingThread() { threads.requests.adoptCallingThread() }

    var partitionEnvironment: Partition.Environment {
        Self.partitionEnvironment(options: options, threads: threads, checkpoints: checkpoints, openFiles: openFiles)
    }

    private static func partitionEnvironment(
        options: StorageOptions, threads: StorageThreads, checkpoints: CheckpointRequests, openFiles: OpenFiles
    ) -> Partition.Environment {
        Partition.Environment(
            durability: options.durability, readersPerPartition: options.readersPerPartition,
            bulkReadersPerPartition: options.bulkReadersPerPartition,
            threads: threads, checkpoints: checkpoints, openFiles: openFiles, indexLag: options.indexLag,
            itemCollectionLimit: options.itemCollectionLimit, now: options.now, logger: options.logger)
    }

    /// Runs blocking work that is not a request's read (files, the
    /// catalog) on the bulk threads.
    private func onStorageThreads<T>(_ body: () throws -> T) async throws -> T {
        try await withTaskExecutorPreference(threads.bulk) { try body() }
    }

    /// A table's partitions and its global indexes' partitions, and its
    /// directory on disk; partition files open when used (see
    /// `Partition`). A new table (`isNew`) has none.
    static func openEntry(
        _ record: CatalogRecord, isNew: Bool, options: StorageOptions, instance: String, environment: Partition.Environment
    ) throws -> Entry {
        let id = record.definition.id
        if let directory = options.dataDirectory {
            try FileSystem.createDirectories(DataDirectory(path: directory).table(id: id))
        }
        var globals: [TableIndexing.GlobalIndex] = []
        for index in record.definition.globalIndexes {
            guard let storage = record.indexStorage[index.name] else {
                throw DynamoError.internalFailure("The catalog has no storage for index \(index.name)")
            }
            let store = try openIndexStore(
                storage, of: record, isNew: isNew, options: options, instance: instance, environment: environment)
            globals.append(.init(definition: index, store: store))
        }
        let locals = record.definition.localIndexes.enumerated().map { position, index in
            TableIndexing.LocalIndex(definition: index, sqlTable: TableIndexing.localTable(position))
        }
        let indexing = TableIndexing(.init(
            tableKey: record.definition.keySchema, locals: locals, globals: globals,
            expiryAttribute: record.definition.timeToLiveAttribute, stream: record.definition.currentStream,
            keepsHistory: record.definition.pointInTimeRecovery != nil))
        let propagator = IndexPropagator(
            partitions: record.partitionCount, indexing: indexing, lag: environment.indexLag, threads: environment.threads,
            logger: environment.logger)
        var partitions: [Partition] = []
        for index in 0..<record.partitionCount {
            let location: DatabaseLocation = if let directory = options.dataDirectory {
                .file(DataDirectory(path: directory).partition(index, ofTable: id))
            } else {
                .memory(name: "strata-\(instance)-\(id)-p\(index)")
            }
            let upkeep = PartitionUpkeep(
                indexing: indexing, propagator: propagator, position: index, itemCollectionLimit: environment.itemCollectionLimit,
                now: environment.now)
            partitions.append(try Partition(location: location, environment: environment, isNew: isNew, upkeep: upkeep))
        }
        return Entry(record: record, store: TableStore(id: id, partitions: partitions), indexing: indexing)
    }

    /// The partitions of the global index that `storage` names.
    static func openIndexStore(
        _ storage: String, of record: CatalogRecord, isNew: Bool, options: StorageOptions, instance: String,
        environment: Partition.Environment
    ) throws -> TableStore {
        let id = record.definition.id
        var partitions: [Partition] = []
        for index in 0..<record.partitionCount {
            let location: DatabaseLocation = if let directory = options.dataDirectory {
                .file(DataDirectory(path: directory).partition(index, ofIndex: storage, table: id))
            } else {
                .memory(name: "strata-\(instance)-\(id)-\(storage)-p\(index)")
            }
            partitions.append(try Partition(location: location, environment: environment, isNew: isNew, upkeep: nil))
        }
        return TableStore(id: "\(id)/\(storage)", partitions: partitions)
    }

    /// A crash between creating a table's files and committing its catalog
    /// row (or between deleting the row and the files) leaves files that no
    /// table owns; they go at start-up.
    private func removeOrphanedTableFiles(keeping ids: Set<String>) throws {
        guard let directory = options.dataDirectory else { return }
        let tablesDirectory = DataDirectory(path: directory).tables
        for name in try FileSystem.contents(of: tablesDirectory) where !ids.contains(name) {
            try? FileSystem.remove(tablesDirectory + "/" + name)
        }
    }

    /// The same for a global index whose creation or removal a crash cut
    /// short: files in a table's directory that are neither its
    /// partitions nor its indexes' go.
    private func removeOrphanedIndexFiles(of record: CatalogRecord) {
        guard let directory = options.dataDirectory else { return }
        let tableDirectory = DataDirectory(path: directory).table(id: record.definition.id)
        let owners = Set(record.indexStorage.values)
        for name in (try? FileSystem.contents(of: tableDirectory)) ?? [] {
            guard let dash = name.firstIndex(of: "-"), name.first == "g" else { continue }
            if !owners.contains(String(name[..<dash])) { try? FileSystem.remove(tableDirectory + "/" + name) }
        }
    }

    private func removeTableFiles(id: String) {
        guard let directory = options.dataDirectory else { return }
        try? FileSystem.remove(DataDirectory(path: directory).table(id: id))
    }

    /// A table by its name or its ARN (DynamoDB takes either).
    public func table(named name: String) -> TableDefinition? {
        tables.withLock { $0.entry(name)?.definition }
    }

    public func tableNames() -> [String] {
        tables.withLock { $0.entries.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
    }

    func store(named name: String) throws(DynamoError) -> TableStore {
        try entry(named: name).store
    }

    func entry(named name: String) throws(DynamoError) -> Entry {
        guard let entry = tables.withLock({ $0.entry(name) }) else {
            throw .resourceNotFound("Requested resource not found")
        }
        return entry
    }

    // MARK: Tables

    public func createTable(_ definition: TableDefinition) async throws -> TableDefinition {
        let name = definition.name
        try tables.withLock { tables throws(DynamoError) in
            guard tables.entries[name] == nil, !tables.creating.contains(name) else {
                throw .resourceInUse("Table already exists: \(name)")
            }
            tables.creating.insert(name)
        }
        var record = CatalogRecord(definition: definition, partitionCount: options.partitionsPerTable)
        for index in definition.globalIndexes { record.indexStorage[index.name] = Self.newIndexStorage() }
        do {
            let entry = try await openNewEntry(record)
            tables.withLock { tables in
                tables.creating.remove(name)
                tables.entries[name] = entry
            }
        } catch {
            tables.withLock { _ = $0.creating.remove(name) }
            throw error
        }
        return definition
    }

    /// Creates the new table's directory (each partition's file comes with
    /// its first write), then records the table in the catalog; undoes the
    /// directory if either fails.
    private func openNewEntry(_ record: CatalogRecord) async throws -> Entry {
        let environment = partitionEnvironment
        let entry: Entry
        do {
            entry = try await onStorageThreads {
                try Self.openEntry(record, isNew: true, options: options, instance: instance, environment: environment)
            }
        } catch {
            try? await onStorageThreads { removeTableFiles(id: record.definition.id) }
            throw DynamoError.internalFailure("Could not create the table's files: \(error)")
        }
        do {
            try await onStorageThreads { try catalog.withLock { try $0.save(record) } }
        } catch {
            await discard(entry)
            throw DynamoError.internalFailure("Could not record the table: \(error)")
        }
        return entry
    }

    public func updateTable(named name: String, _ change: (inout TableDefinition) throws -> Void) async throws -> TableDefinition {
        let (definition, work) = try await changeRecord(named: name) { record, entry in
            try change(&record.definition)
            return try prepareTableWork(&record, of: entry)
        }
        start(work, table: name)
        if work.streamChanged { try await settleStream(of: name) }
        return definition
    }

    /// Applies `change` to the table's catalog record and saves it, under
    /// the catalog lock; returns what `change` returns.
    func changeRecord<T>(
        named name: String, _ change: (inout CatalogRecord, Entry) throws -> T
    ) async throws -> (TableDefinition, T) {
        try await onStorageThreads {
            try catalog.withLock { catalog in
                guard let entry = tables.withLock({ $0.entry(name) }) else {
                    throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
                }
                var record = entry.record
                let result = try change(&record, entry)
                do {
                    try catalog.save(record)
                } catch {
                    throw DynamoError.internalFailure("Could not record the table: \(error)")
                }
                let updated = record
                tables.withLock { tables in
                    tables.entries[updated.definition.name] = tables.entries[updated.definition.name]?.with(updated)
                }
                return (updated.definition, result)
            }
        }
    }

    public func deleteTable(named name: String) async throws -> TableDefinition {
        let entry = try await onStorageThreads {
            try catalog.withLock { catalog -> Entry in
                guard let entry = tables.withLock({ $0.entry(name) }) else {
                    throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
                }
                let name = entry.definition.name
                do {
                    try catalog.remove(named: name)
                } catch {
                    throw DynamoError.internalFailure("Could not remove the table: \(error)")
                }
                tables.withLock { _ = $0.entries.removeValue(forKey: name) }
                return entry
            }
        }
        await discard(entry)
        return entry.definition
    }

    /// Closes a table's partitions and its indexes' and removes its files,
    /// on the storage threads.
    private func discard(_ entry: Entry) async {
        await withTaskExecutorPreference(threads.bulk) {
            await entry.close()
            removeTableFiles(id: entry.store.id)
        }
    }

    public func tableMetrics() -> [TableMetrics] {
        let entries = tables.withLock { Array($0.entries.values) }
        return entries.map { entry in
            let statistics = entry.store.statistics
            return TableMetrics(
                name: entry.definition.name, items: statistics.itemCount, bytes: statistics.sizeBytes,
                logBytes: entry.allPartitions.reduce(0) { $0 + $1.logBytes },
                pendingIndexChanges: entry.store.partitions.first?.propagator?.pendingChanges ?? 0)
        }.sorted { $0.name < $1.name }
    }

    public func statistics(ofTable name: String) async throws -> PartitionStatistics {
        // Kept in memory by the writers: nothing to read.
        try store(named: name).statistics
    }

    // MARK: Items

    public func getItem(table: String, key: PrimaryKey) async throws -> StoredItem? {
        let encoded = KeyEncoding.encode(key)
        return try await store(named: table).partition(forEncodedKey: encoded).get(encoded)
    }

    public func query(
        table: String, partitionKey: AttributeValue, condition: SortKeyCondition?, forward: Bool,
        exclusiveStart: PrimaryKey?, limit: PageLimit
    ) async throws -> ItemPage {
        let prefix = KeyEncoding.partitionPrefix(partitionKey)
        let range = KeyRange.query(prefix: prefix, condition, forward: forward, after: exclusiveStart)
        var page = ItemPage()
        // A Query reads one partition-key value: a request's read.
        page.isTruncated = try await store(named: table).partition(forEncodedKey: prefix)
            .read(range, forward: forward, limit: limit, peek: true, into: &page, as: .request)
        return page
    }

    public func scan(table: String, segment: Int, totalSegments: Int, exclusiveStart: PrimaryKey?, limit: PageLimit) async throws -> ItemPage {
        try await scan(
            try store(named: table).partitions, segment: segment, totalSegments: totalSegments,
            exclusiveStart: exclusiveStart.map(KeyEncoding.encode), limit: limit)
    }

    /// Reads a segment of `partitions` (a table's, or an index's), from
    /// `sqlTable` in each, after the encoded key `exclusiveStart`.
    func scan(
        _ partitions: [Partition], in sqlTable: String = ItemsTable.items, segment: Int, totalSegments: Int,
        exclusiveStart: [UInt8]?, limit: PageLimit
    ) async throws -> ItemPage {
        // Segments are equal ranges of the partition hash, like partitions.
        try ScanStartOutsideSegment.check(exclusiveStart, segment: segment, totalSegments: totalSegments)
        let segmentHashes = PartitionHash.range(ofPartition: segment, count: totalSegments)
        let start = exclusiveStart.map { KeyRange.Bound($0, inclusive: false) }
        var page = ItemPage()
        // One stay on the bulk threads for every partition the page reads.
        return try await withTaskExecutorPreference(threads.bulk) {
            for (index, partition) in partitions.enumerated() {
                let partitionHashes = PartitionHash.range(ofPartition: index, count: partitions.count)
                let lower = max(segmentHashes.lowerBound, partitionHashes.lowerBound)
                let upper = min(segmentHashes.upperBound, partitionHashes.upperBound)
                guard lower <= upper else { continue }
                var range = KeyRange.hashes(lower...upper)
                if let start {
                    // Partitions wholly before the start key have nothing left to read.
                    if let end = range.upper, !start.key.sortsBefore(end.key) { continue }
                    range.raiseLower(to: start)
                }
                if try await partition.read(range, in: sqlTable, forward: true, limit: limit, peek: false, into: &page, as: .bulk) {
                    page.isTruncated = true
                    return page
                }
            }
            return page
        }
    }

    public func writeItem<T: Sendable>(
        table: String, key: PrimaryKey, _ body: @escaping @Sendable (CurrentItem) throws -> ItemWrite<T>
    ) async throws -> T {
        let encoded = KeyEncoding.encode(key)
        let store = try store(named: table)
        let lockKey = TransactionLocks.Key(table: store.id, key: encoded)
        return try await store.partition(forEncodedKey: encoded).write { [transactions] transaction in
            if transactions.locks.isLockedForWriting(lockKey) {
                throw DynamoError.transactionConflict("Transaction is ongoing for the item")
            }
            // The size first: an unconditional write never reads the old bytes.
            let size = try transaction.currentSize(encoded)
            // Decoded once, for the request and for the indexes alike.
            var old: Item??
            let current = CurrentItem(size: size) {
                if let old { return old }
                let item = size == nil ? nil : try transaction.current(encoded)?.item()
                old = .some(item)
                return item
            }
            let write = try body(current)
            switch write.action {
            case .keep:
                break
            case .put(let item):
                try transaction.put(encoded, item, replacingSize: size, limitingCollection: true, knownOld: old)
            case .delete:
                if let size { try transaction.delete(encoded, existingSize: size, knownOld: old) }
            }
            return write.result
        }
    }

    // MARK: Transactions

    public func writeTransaction(
        _ targets: [TransactionTarget], token: TransactionToken?, _ decide: ([CurrentItem]) throws -> [ItemAction]
    ) async throws -> TransactionWriteOutcome {
        try await transactions.write(try coordinatorTargets(targets), token: token, decide: decide)
    }

    public func readTransaction(_ targets: [TransactionTarget]) async throws -> [Item?] {
        try await transactions.read(try coordinatorTargets(targets)).map { try $0?.item() }
    }

    private func coordinatorTargets(_ targets: [TransactionTarget]) throws -> [TransactionCoordinator.Target] {
        try targets.map { .init(store: try store(named: $0.table), key: KeyEncoding.encode($0.key)) }
    }

    // MARK: Lifecycle

    public func run() async {
        let logger = options.logger
        await withDiscardingTaskGroup { group in
            group.addTask(executorPreference: threads.bulk) { await self.sweepExpiredItemsUntilClosed() }
            group.addTask(executorPreference: threads.bulk) { await self.trimStreamRecordsUntilClosed() }
            group.addTask(executorPreference: threads.bulk) { await self.trimHistoryUntilClosed() }
            group.addTask(executorPreference: threads.bulk) {
                await self.repeatUntilClosed(every: self.options.idleLogInterval) { await self.emptyIdleLogs() }
            }
            for await checkpointer in checkpoints.pending {
                group.addTask(executorPreference: threads.bulk) {
                    do {
                        try await checkpointer.checkpoint()
                    } catch {
                        logger.error("Checkpoint failed", metadata: ["database": "\(checkpointer.database.checkpointName)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Empties the write-ahead log of every open table, index and the
    /// transaction log that was written since its log was last emptied but
    /// not since the previous call. Under a steady load each log file keeps
    /// the largest size it reached, up to 64 MB a partition
    /// (`Checkpointer.writerLimit`); once the load stops, the disk gets
    /// that space back. A failure (a full disk) is logged; that log is
    /// tried again at the next call.
    public func emptyIdleLogs() async {
        let entries = tables.withLock { Array($0.entries.values) }
        let partitions = entries.flatMap { entry in
            entry.store.partitions + entry.indexing.current.globals.flatMap(\.store.partitions)
        }
        for partition in partitions {
            do {
                try await partition.emptyLogIfIdle()
            } catch {
                logEmptyingFailure(of: partition.checkpointName, error)
            }
        }
        do {
            try await transactions.emptyLogIfIdle()
        } catch {
            logEmptyingFailure(of: "the transaction log", error)
        }
    }

    private func logEmptyingFailure(of database: String, _ error: any Error) {
        options.logger.error("Emptying an idle write-ahead log failed", metadata: ["database": "\(database)", "error": "\(error)"])
    }

    public func close() async {
        checkpoints.finish()
        closing.store(true, ordering: .relaxed)
        let entries = tables.withLock { tables in
            defer { tables.entries.removeAll() }
            return Array(tables.entries.values)
        }
        await withTaskExecutorPreference(threads.bulk) {
            for entry in entries { await entry.close() }
            await transactions.close()
            catalog.withLock { $0.close() }
        }
        directoryLock?.release()
        threads.retire()
    }
}
