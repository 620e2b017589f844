#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StrataModel
import Synchronization

/// The storage engine of DESIGN.md: a catalog database plus, for each
/// table, a fixed number of partition databases that split the partition
/// hash space into contiguous ranges.
public final class SQLiteStorageEngine: StorageEngine {
    private struct Entry {
        var record: CatalogRecord
        let store: TableStore
        var definition: TableDefinition { record.definition }
    }

    private let options: StorageOptions
    /// Distinguishes this process's in-memory databases from any other's.
    private let instance = UUID().uuidString
    /// Serializes control-plane changes; it guards the catalog connection.
    private let catalog: Mutex<Catalog>
    private let tables = Mutex<[String: Entry]>([:])
    private let transactions: TransactionCoordinator

    public init(options: StorageOptions) throws {
        self.options = options
        let catalogLocation: DatabaseLocation
        if let directory = options.dataDirectory {
            try FileManager.default.createDirectory(atPath: directory + "/tables", withIntermediateDirectories: true)
            catalogLocation = .file(directory + "/catalog.sqlite")
        } else {
            catalogLocation = .memory(name: "strata-\(instance)-catalog")
        }
        let catalog = try Catalog(location: catalogLocation, durability: options.durability)
        var entries: [String: Entry] = [:]
        for record in try catalog.load() {
            entries[record.definition.name] = Entry(record: record, store: try Self.openStore(record, options: options, instance: instance))
        }
        self.catalog = Mutex(catalog)
        tables.withLock { $0 = entries }
        let logLocation: DatabaseLocation = options.dataDirectory.map { .file($0 + "/transactions.sqlite") }
            ?? .memory(name: "strata-\(instance)-transactions")
        transactions = try TransactionCoordinator(
            log: try TransactionLog(location: logLocation, durability: options.durability), stores: entries.values.map(\.store),
            haltAfterCommit: options.haltTransactionsAfterCommit)
        try removeOrphanedTableFiles(keeping: Set(entries.values.map(\.definition.id)))
    }

    private static func openStore(_ record: CatalogRecord, options: StorageOptions, instance: String) throws -> TableStore {
        let definition = record.definition
        var partitions: [Partition] = []
        for index in 0..<record.partitionCount {
            let location: DatabaseLocation
            if let directory = options.dataDirectory {
                let tableDirectory = "\(directory)/tables/\(definition.id)"
                try FileManager.default.createDirectory(atPath: tableDirectory, withIntermediateDirectories: true)
                location = .file("\(tableDirectory)/p\(index).sqlite")
            } else {
                location = .memory(name: "strata-\(instance)-\(definition.id)-p\(index)")
            }
            partitions.append(try Partition(location: location, durability: options.durability))
        }
        return TableStore(id: definition.id, partitions: partitions)
    }

    /// A crash between creating a table's files and committing its catalog
    /// row (or between deleting the row and the files) leaves files that no
    /// table owns; they go at start-up.
    private func removeOrphanedTableFiles(keeping ids: Set<String>) throws {
        guard let directory = options.dataDirectory else { return }
        let tablesDirectory = directory + "/tables"
        for name in try FileManager.default.contentsOfDirectory(atPath: tablesDirectory) where !ids.contains(name) {
            try? FileManager.default.removeItem(atPath: tablesDirectory + "/" + name)
        }
    }

    private func removeTableFiles(id: String) {
        guard let directory = options.dataDirectory else { return }
        try? FileManager.default.removeItem(atPath: "\(directory)/tables/\(id)")
    }

    public func table(named name: String) -> TableDefinition? {
        tables.withLock { $0[name]?.definition }
    }

    public func tableNames() -> [String] {
        tables.withLock { $0.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
    }

    private func store(named name: String) throws(DynamoError) -> TableStore {
        guard let store = tables.withLock({ $0[name]?.store }) else {
            throw .resourceNotFound("Requested resource not found")
        }
        return store
    }

    public func createTable(_ definition: TableDefinition) throws -> TableDefinition {
        try catalog.withLock { catalog in
            guard table(named: definition.name) == nil else {
                throw DynamoError.resourceInUse("Table already exists: \(definition.name)")
            }
            let record = CatalogRecord(definition: definition, partitionCount: options.partitionsPerTable)
            let store: TableStore
            do {
                store = try Self.openStore(record, options: options, instance: instance)
            } catch {
                removeTableFiles(id: definition.id)
                throw DynamoError.internalFailure("Could not create the table's files: \(error)")
            }
            do {
                try catalog.save(record)
            } catch {
                store.close()
                removeTableFiles(id: definition.id)
                throw DynamoError.internalFailure("Could not record the table: \(error)")
            }
            tables.withLock { $0[definition.name] = Entry(record: record, store: store) }
            return definition
        }
    }

    public func updateTable(named name: String, _ change: (inout TableDefinition) throws -> Void) throws -> TableDefinition {
        try catalog.withLock { catalog in
            guard var record = tables.withLock({ $0[name]?.record }) else {
                throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
            }
            try change(&record.definition)
            do {
                try catalog.save(record)
            } catch {
                throw DynamoError.internalFailure("Could not record the table: \(error)")
            }
            let updated = record
            tables.withLock { $0[name]?.record = updated }
            return updated.definition
        }
    }

    public func deleteTable(named name: String) throws -> TableDefinition {
        let entry = try catalog.withLock { catalog -> Entry in
            guard let entry = tables.withLock({ $0[name] }) else {
                throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
            }
            do {
                try catalog.remove(named: name)
            } catch {
                throw DynamoError.internalFailure("Could not remove the table: \(error)")
            }
            tables.withLock { _ = $0.removeValue(forKey: name) }
            return entry
        }
        entry.store.close()
        removeTableFiles(id: entry.store.id)
        return entry.definition
    }

    public func statistics(ofTable name: String) throws -> PartitionStatistics {
        try store(named: name).statistics
    }

    public func getItem(table: String, key: PrimaryKey) throws -> Item? {
        let encoded = KeyEncoding.encode(key)
        guard let bytes = try store(named: table).partition(forEncodedKey: encoded).get(encoded) else { return nil }
        return try Self.decode(bytes)
    }

    static func decode(_ bytes: [UInt8]) throws(DynamoError) -> Item {
        do {
            return try ItemEncoding.decode(bytes)
        } catch {
            throw .internalFailure("A stored item could not be decoded")
        }
    }

    public func query(
        table: String, partitionKey: AttributeValue, condition: SortKeyCondition?, forward: Bool,
        exclusiveStart: PrimaryKey?, limit: PageLimit
    ) throws -> ItemPage {
        let prefix = KeyEncoding.partitionPrefix(partitionKey)
        var range = condition?.keyRange(prefix: prefix) ?? KeyRange.allKeys(withPrefix: prefix)
        if let exclusiveStart {
            let start = KeyRange.Bound(KeyEncoding.encode(exclusiveStart), inclusive: false)
            if forward { range.raiseLower(to: start) } else { range.lowerUpper(to: start) }
        }
        var page = ItemPage()
        page.isTruncated = try store(named: table).partition(forEncodedKey: prefix)
            .read(range, forward: forward, limit: limit, peek: true, into: &page)
        return page
    }

    public func scan(table: String, segment: Int, totalSegments: Int, exclusiveStart: PrimaryKey?, limit: PageLimit) throws -> ItemPage {
        let store = try store(named: table)
        let segmentHashes = PartitionHash.range(ofPartition: segment, count: totalSegments)
        let start = exclusiveStart.map { KeyRange.Bound(KeyEncoding.encode($0), inclusive: false) }
        var page = ItemPage()
        for (index, partition) in store.partitions.enumerated() {
            let partitionHashes = PartitionHash.range(ofPartition: index, count: store.partitions.count)
            let lower = max(segmentHashes.lowerBound, partitionHashes.lowerBound)
            let upper = min(segmentHashes.upperBound, partitionHashes.upperBound)
            guard lower <= upper else { continue }
            var range = KeyRange.hashes(lower...upper)
            if let start {
                // Partitions wholly before the start key have nothing left to read.
                if let end = range.upper, !start.key.lexicographicallyPrecedes(end.key) { continue }
                range.raiseLower(to: start)
            }
            if try partition.read(range, forward: true, limit: limit, peek: false, into: &page) {
                page.isTruncated = true
                return page
            }
        }
        return page
    }

    public func segment(_ segment: Int, of totalSegments: Int, contains partitionKey: AttributeValue) -> Bool {
        PartitionHash.partition(of: PartitionHash.hash(partitionKey), count: totalSegments) == segment
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
            let stored = try transaction.current(encoded)
            let current = CurrentItem(size: stored?.size) { try stored.map { try Self.decode($0.value) } }
            let write = try body(current)
            switch write.action {
            case .keep:
                break
            case .put(let item):
                try transaction.put(encoded, .init(value: ItemEncoding.encode(item), size: item.itemSize), replacing: stored)
            case .delete:
                if let stored { try transaction.delete(encoded, existing: stored) }
            }
            return write.result
        }
    }

    public func writeTransaction(
        _ targets: [TransactionTarget], token: TransactionToken?, _ decide: ([CurrentItem]) throws -> [ItemAction]
    ) async throws -> TransactionWriteOutcome {
        try await transactions.write(try coordinatorTargets(targets), token: token, decide: decide)
    }

    public func readTransaction(_ targets: [TransactionTarget]) async throws -> [Item?] {
        try await transactions.read(try coordinatorTargets(targets)).map { try $0.map(Self.decode) }
    }

    private func coordinatorTargets(_ targets: [TransactionTarget]) throws -> [TransactionCoordinator.Target] {
        try targets.map { .init(store: try store(named: $0.table), key: KeyEncoding.encode($0.key)) }
    }

    public func close() {
        let stores = tables.withLock { entries in
            defer { entries.removeAll() }
            return entries.values.map(\.store)
        }
        for store in stores { store.close() }
        transactions.close()
        catalog.withLock { $0.close() }
    }
}
