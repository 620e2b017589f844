import StrataModel

/// Secondary indexes: reads, statistics, and the global indexes' life
/// (backfill when UpdateTable adds one, removal when it deletes one, and
/// the catch-up of the change log at start-up).
extension SQLiteStorageEngine {
    /// What an UpdateTable leaves to do once its record is saved: global
    /// indexes to fill or remove, expiries to record.
    struct TableWork {
        /// Global indexes added, with their new partitions, to fill.
        var added: [(index: IndexDefinition, store: TableStore)] = []
        /// Global indexes marked DELETING, to remove.
        var removed: [String] = []
        /// Time to live turned on (with its attribute) or off.
        var expiryChanged = false
        /// The stream turned on or off.
        var streamChanged = false
    }

    /// A fresh storage name for a global index's partitions.
    static func newIndexStorage() -> String {
        var generator = SystemRandomNumberGenerator()
        return "g" + String(generator.next() as UInt64, radix: 36)
    }

    /// Gives global indexes new in `record` (against `entry`'s) their
    /// status and partitions, and lists what changes in the background.
    func prepareTableWork(_ record: inout CatalogRecord, of entry: Entry) throws -> TableWork {
        let before = entry.definition.globalIndexes
        var work = TableWork()
        work.expiryChanged = record.definition.timeToLiveAttribute != entry.definition.timeToLiveAttribute
        work.streamChanged = record.definition.currentStream != entry.definition.currentStream
        prepareHistory(&record, of: entry)
        for position in record.definition.globalIndexes.indices {
            let index = record.definition.globalIndexes[position]
            guard let previous = before.first(where: { $0.name == index.name }) else {
                record.definition.globalIndexes[position].status = .creating
                if index.backfilling == nil { record.definition.globalIndexes[position].backfilling = true }
                let storage = Self.newIndexStorage()
                record.indexStorage[index.name] = storage
                let store = try Self.openIndexStore(
                    storage, of: record, isNew: true, options: options, instance: instance, environment: partitionEnvironment)
                work.added.append((record.definition.globalIndexes[position], store))
                continue
            }
            if index.status == .deleting, previous.status != .deleting { work.removed.append(index.name) }
        }
        return work
    }

    /// Puts the saved changes into effect and starts their background work.
    func start(_ work: TableWork, table: String) {
        guard let entry = tables.withLock({ $0.entries[table] }) else { return }
        let definition = entry.definition
        entry.indexing.update { snapshot in
            snapshot.globals.append(contentsOf: work.added.map { .init(definition: $0.index, store: $0.store) })
            for position in snapshot.globals.indices {
                if let current = definition.globalIndexes.first(where: { $0.name == snapshot.globals[position].definition.name }) {
                    snapshot.globals[position].definition = current
                }
            }
            snapshot.expiryAttribute = definition.timeToLiveAttribute
            snapshot.stream = definition.currentStream
            snapshot.keepsHistory = keepsHistory(definition)
        }
        if work.expiryChanged, let attribute = definition.timeToLiveAttribute {
            Task(executorPreference: threads.bulk) { await self.fillExpiries(of: table, attribute: attribute) }
        }
        for (index, _) in work.added { Task(executorPreference: threads.bulk) { await self.backfill(index.name, of: table) } }
        for name in work.removed { Task(executorPreference: threads.bulk) { await self.removeIndex(name, of: table) } }
    }

    /// At start-up: finishes what a stop interrupted.
    func resumeIndexWork(of entry: Entry) {
        let table = entry.definition.name
        for index in entry.definition.globalIndexes {
            switch index.status {
            case .creating: Task(executorPreference: threads.bulk) { await self.backfill(index.name, of: table) }
            case .deleting: Task(executorPreference: threads.bulk) { await self.removeIndex(index.name, of: table) }
            case .active, .updating: break
            }
        }
    }

    /// Copies every item of the table into a new global index, a page at a
    /// time on each partition's writer, so that the copies take their
    /// place among the writes that go on meanwhile; then makes the index
    /// ACTIVE. Copying again after a crash is harmless.
    func backfill(_ name: String, of table: String) async {
        guard let entry = tables.withLock({ $0.entries[table] }) else { return }
        do {
            try await Self.walk(entry.store) { try $0.copyForBackfill(after: $1, limit: Self.walkPage, index: name) }
            for partition in entry.store.partitions { await partition.propagator?.idle() }
            _ = try await changeRecord(named: table) { record, _ in
                guard let position = record.definition.globalIndexes.firstIndex(where: { $0.name == name }),
                      record.definition.globalIndexes[position].status == .creating else { return }
                record.definition.globalIndexes[position].status = .active
                record.definition.globalIndexes[position].backfilling = nil
            }
            start(TableWork(), table: table)
        } catch {
            options.logger.warning("Backfill of a global index ended", metadata: ["table": "\(table)", "index": "\(name)", "error": "\(error)"])
        }
    }

    /// Items one page of a walk (a backfill, an expiry fill, a sweep)
    /// handles: the writer holds its other requests back for that long.
    static var walkPage: Int { 256 }

    /// Walks a table's partitions a page at a time, each page a request of
    /// its partition's writer, so that the walk takes its place among the
    /// writes going on: `page` handles the page after a key (from the
    /// first if nil) and returns its last key, nil when none was left.
    static func walk(
        _ store: TableStore, _ page: @escaping @Sendable (PartitionTransaction, [UInt8]?) throws -> [UInt8]?
    ) async throws {
        for partition in store.partitions {
            var start: [UInt8]?
            repeat {
                let after = start
                start = try await partition.writeIfPresent { try page($0, after) } ?? nil
            } while start != nil
        }
    }

    /// Runs `page` on a partition's writer (if it has a file) until a page
    /// handles fewer than `walkPage` rows, which means none are left, as a
    /// sweep or a trim does; returns the sum of what the pages counted.
    static func drain(
        _ partition: Partition, _ page: @escaping @Sendable (PartitionTransaction) throws -> (handled: Int, counted: Int)
    ) async throws -> Int {
        var total = 0
        var handled = walkPage
        while handled == walkPage {
            let (rows, counted) = try await partition.writeIfPresent(page) ?? (0, 0)
            handled = rows
            total += counted
        }
        return total
    }

    /// Runs `work` every `interval` until the engine closes: the sweeper's
    /// and the trimmer's loop.
    func repeatUntilClosed(every interval: Duration, _ work: () async -> Void) async {
        while !closing.load(ordering: .relaxed), !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if closing.load(ordering: .relaxed) { return }
            await work()
        }
    }

    /// Stops maintaining a global index, closes and removes its partitions,
    /// then drops it from the table's definition.
    func removeIndex(_ name: String, of table: String) async {
        guard let entry = tables.withLock({ $0.entries[table] }),
              let store = entry.indexing.current.global(named: name)?.store else { return }
        entry.indexing.update { $0.globals.removeAll { $0.definition.name == name } }
        await store.close()
        for partition in store.partitions {
            guard case .file(let path) = partition.location else { continue }
            for suffix in ["", "-wal", "-shm"] { try? FileSystem.remove(path + suffix) }
        }
        do {
            _ = try await changeRecord(named: table) { record, _ in
                record.definition.globalIndexes.removeAll { $0.name == name }
                record.indexStorage[name] = nil
            }
        } catch {
            options.logger.warning("Could not record the removal of a global index", metadata: ["index": "\(name)", "error": "\(error)"])
        }
    }

    /// At start-up, before any request: applies the logged changes the
    /// global indexes may lack (a crash came between a commit and its
    /// propagation), in order, and records that they hold them.
    static func catchUpIndexes(of entry: Entry) throws {
        let snapshot = entry.indexing.current
        guard !snapshot.globals.isEmpty else { return }
        for partition in entry.store.partitions {
            guard let changes = try partition.writeNowIfPresent({ try $0.unappliedChanges(snapshot) }), let last = changes.last else { continue }
            for (_, indexPartition, mutations) in IndexPropagator.plan(changes.lazy.flatMap(\.mutations), for: snapshot) {
                try indexPartition.writeNow { transaction in
                    for mutation in mutations { try transaction.apply(mutation) }
                }
            }
            try partition.writeNow { try $0.recordApplied(through: last.sequence) }
        }
    }

    /// Waits until every global index's databases hold the changes
    /// answered so far: their recent entries wait in memory for up to
    /// `IndexPropagator.writeInterval`. For tests that look at the files.
    func indexesWritten() async {
        let propagators = tables.withLock { $0.entries.values.compactMap { $0.store.partitions.first?.propagator } }
        for propagator in propagators { await propagator.idle() }
    }

    // MARK: Reads

    public func queryIndex(
        table: String, index: String, condition: IndexKeyCondition, forward: Bool, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage {
        let (store, sqlTable, definition, tableKey) = try locate(index, of: table)
        let range = try KeyRange.indexQuery(condition, of: definition, tableKey: tableKey, forward: forward, after: exclusiveStart)
        var page = ItemPage()
        let prefix = IndexKeyEncoding.partitionPrefix(condition.partition)
        page.isTruncated = try await store.partition(forEncodedKey: prefix)
            .read(range, in: sqlTable, forward: forward, limit: limit, peek: true, into: &page, as: .request)
        return page
    }

    public func scanIndex(
        table: String, index: String, segment: Int, totalSegments: Int, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage {
        let (store, sqlTable, definition, tableKey) = try locate(index, of: table)
        let start = try exclusiveStart.map { try IndexKeyEncoding.entryKey(ofStart: $0, in: definition, tableKey: tableKey) }
        return try await scan(
            store.partitions, in: sqlTable, segment: segment, totalSegments: totalSegments, exclusiveStart: start, limit: limit)
    }

    public func indexStatistics(ofTable name: String) async throws -> [String: PartitionStatistics] {
        let entry = try entry(named: name)
        let snapshot = entry.indexing.current
        var statistics: [String: PartitionStatistics] = [:]
        if !snapshot.globals.isEmpty { await entry.store.partitions.first?.propagator?.written() }
        for global in snapshot.globals { statistics[global.definition.name] = global.store.statistics }
        let partitions = entry.store.partitions
        for local in snapshot.locals {
            var total = PartitionStatistics()
            let sqlTable = local.sqlTable
            for partition in partitions {
                if let counted = try await partition.bulkRead({ try ItemsTable.count(sqlTable, on: $0) }) { total.add(counted) }
            }
            statistics[local.definition.name] = total
        }
        return statistics
    }

    public func itemCollectionSize(table: String, partitionKey: AttributeValue) async throws -> Int {
        let entry = try entry(named: table)
        let locals = entry.indexing.current.locals.map(\.sqlTable)
        guard !locals.isEmpty else { return 0 }
        let prefix = KeyEncoding.partitionPrefix(partitionKey)
        let range = KeyRange.allKeys(withPrefix: prefix)
        return try await entry.store.partition(forEncodedKey: prefix).bulkRead { connection in
            try ([ItemsTable.items] + locals).reduce(0) { $0 + (try ItemsTable.bytes(in: range, of: $1, on: connection)) }
        } ?? 0
    }

    /// Where an index's entries are: a global index's own partitions, or a
    /// table of the table's partitions for a local one.
    private func locate(
        _ index: String, of table: String
    ) throws(DynamoError) -> (TableStore, String, IndexDefinition, KeySchema) {
        let entry = try entry(named: table)
        let snapshot = entry.indexing.current
        if let global = snapshot.global(named: index) {
            return (global.store, ItemsTable.items, global.definition, snapshot.tableKey)
        }
        if let local = snapshot.local(named: index) {
            return (entry.store, local.sqlTable, local.definition, snapshot.tableKey)
        }
        throw .validation("The table does not have the specified index: \(index)")
    }
}

extension SQLiteStorageEngine.Entry {
    /// The table's partitions and its global indexes'.
    var allPartitions: [Partition] {
        store.partitions + indexing.current.globals.flatMap(\.store.partitions)
    }

    /// Closes the table's partitions once their last changes reached the
    /// global indexes and that is recorded, then closes the indexes.
    func close() async {
        if !indexing.current.globals.isEmpty {
            for partition in store.partitions {
                await partition.propagator?.idle()
                _ = try? await partition.writeIfPresent { $0.recordPropagation() }
            }
        }
        await store.close()
        for partition in store.partitions { await partition.propagator?.idle() }
        for global in indexing.current.globals { await global.store.close() }
    }
}
