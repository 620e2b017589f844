import StrataModel
import Synchronization

/// What a table partition's writes keep up beside its items: the table's
/// indexes, expiries and stream, the table's propagator of changes to the
/// global indexes, and the item collection limit. An index partition has none.
struct PartitionUpkeep: Sendable {
    let indexing: TableIndexing
    let propagator: IndexPropagator
    /// The partition's position in its table, for the propagator.
    let position: Int
    /// Bytes an item collection may hold, on a table with local indexes.
    let itemCollectionLimit: Int
    /// Seconds since 1970 now, for stream records.
    let now: @Sendable () -> Double

    /// Milliseconds since 1970 now: when a stream record or a change in
    /// the history happened.
    var milliseconds: Int { SQLiteStorageEngine.milliseconds(now()) }
}

/// A partition writer's upkeep, with what it knows of its own database.
/// One per open connection.
final class PartitionContext: Sendable {
    let upkeep: PartitionUpkeep
    /// Whether the database holds the change log's tables (known once a
    /// transaction that created them, or found them, has committed).
    let hasChangeLog: Atomic<Bool>

    init(upkeep: PartitionUpkeep, hasChangeLog: Bool) {
        self.upkeep = upkeep
        self.hasChangeLog = Atomic(hasChangeLog)
    }
}

/// What a write request sees of its partition during the group transaction,
/// and what the transaction changes besides the items: the statistics, the
/// local index entries, and the change log that feeds the global indexes.
/// Only valid inside the request's body, on the partition writer's queue.
final class PartitionTransaction: GroupCommitTransaction {
    struct Savepoint {
        var delta: PartitionStatistics
        var changeCount: Int
        var createdChangeLog: Bool
    }

    private let connection: SQLiteConnection
    private let context: PartitionContext?
    private var delta = PartitionStatistics()
    /// Changes for the global indexes, in commit order.
    private var changes: [IndexChange] = []
    private var createdChangeLog = false
    /// The propagation position this transaction records in the log.
    private var recordedPosition: Int?
    /// Record the position however little it moved (at close).
    private var recordsPosition = false

    init(connection: SQLiteConnection, context: PartitionContext?) {
        self.connection = connection
        self.context = context
    }

    func current(_ key: [UInt8]) throws -> StoredItem? {
        try ItemsTable.stored(key, on: connection)
    }

    /// The current item's size alone: what a write that never looks at the
    /// old item needs for its capacity and the statistics.
    func currentSize(_ key: [UInt8]) throws -> Int? {
        try ItemsTable.size(of: key, on: connection)
    }

    /// Stores `new` under `key` over an item of `oldSize` (nil: none), and
    /// updates the table's indexes and stream. With `limitingCollection`,
    /// refuses a write that grows an item collection past its limit.
    /// `knownOld` is the old item if the caller decoded it already
    /// (`.some(nil)`: none). `commit` is a transaction's commit point,
    /// which says when the change happens and whether the history has it.
    func put(
        _ key: [UInt8], _ new: StoredItem, replacingSize oldSize: Int?, limitingCollection: Bool = false, knownOld: Item?? = nil,
        commit: CommitPoint? = nil
    ) throws {
        if let snapshot = upkeep(at: commit) {
            let newItem = try new.item()
            if snapshot.needsOldItem {
                let old = try knownOld ?? (oldSize == nil ? nil : try current(key)?.item())
                // A write that changes nothing leaves the indexes as they
                // are and the stream without a record.
                if let old, old.isSameItem(as: newItem) { return }
                if snapshot.hasIndexes { try maintain(snapshot, key: key, old: old, new: newItem) }
                if let stream = snapshot.stream {
                    try record(old == nil ? .insert : .modify, in: stream, old: old, new: newItem, schema: snapshot.tableKey)
                }
                if snapshot.keepsHistory { try keepHistory(of: key, old: old, stamp: commit?.milliseconds) }
            }
            if let attribute = snapshot.expiryAttribute {
                try ExpiryTable.set(key, expiresAt: ItemExpiry.seconds(of: newItem, attribute: attribute), on: connection)
            }
            if limitingCollection, !snapshot.locals.isEmpty, new.size > (oldSize ?? 0) {
                try checkCollectionSize(of: key, in: snapshot)
            }
        }
        try ItemsTable.upsert(key, new, on: connection)
        delta.itemCount += oldSize == nil ? 1 : 0
        delta.sizeBytes += new.size - (oldSize ?? 0)
    }

    /// Deletes the item under `key`; `origin` says who, for the stream;
    /// `commit` as for `put`.
    func delete(
        _ key: [UInt8], existingSize: Int, knownOld: Item?? = nil, origin: StreamRecord.Origin = .request, commit: CommitPoint? = nil
    ) throws {
        if let snapshot = upkeep(at: commit) {
            if snapshot.needsOldItem {
                let old = try knownOld ?? (try current(key)?.item())
                if snapshot.hasIndexes { try maintain(snapshot, key: key, old: old, new: nil) }
                if let stream = snapshot.stream, let old {
                    try record(.remove, in: stream, old: old, new: nil, schema: snapshot.tableKey, origin: origin)
                }
                if snapshot.keepsHistory { try keepHistory(of: key, old: old, stamp: commit?.milliseconds) }
            }
            if snapshot.expiryAttribute != nil { try ExpiryTable.remove(key, on: connection) }
        }
        try ItemsTable.delete(key, on: connection)
        delta.itemCount -= 1
        delta.sizeBytes -= existingSize
    }

    /// Applies a global index's mutation to this index partition.
    func apply(_ mutation: IndexMutation) throws {
        switch mutation {
        case .put(let key, let entry):
            try put(key, entry, replacingSize: try currentSize(key))
        case .delete(let key):
            if let size = try currentSize(key) { try delete(key, existingSize: size) }
        }
    }

    /// Queues copies of up to `limit` items after `start` for index
    /// `index`, as a backfill does; returns the last key copied, or nil
    /// if none was left. Runs on the writer, so that the copies take their
    /// place among the partition's changes.
    func copyForBackfill(after start: [UInt8]?, limit: Int, index name: String) throws -> [UInt8]? {
        let page = try ItemsTable.keyedPage(after: start, limit: limit, on: connection)
        guard let snapshot = context?.upkeep.indexing.current, let index = snapshot.global(named: name)?.definition else { return nil }
        for (key, value) in page {
            let item = try ItemEncoding.decode(value)
            let mutations = IndexMutation.mutations(of: index, old: nil, new: item, tableKey: key, schema: snapshot.tableKey)
            if !mutations.isEmpty { changes.append(IndexChange(sequence: 0, mutations: mutations.map { (name, $0) })) }
        }
        return page.last?.key
    }

    /// Records the expiry of up to `limit` items after `start` (all of
    /// them anew from the first page), as turning time to live on does;
    /// returns the last key, or nil if none was left.
    func fillExpiries(after start: [UInt8]?, limit: Int, attribute: String) throws -> [UInt8]? {
        if start == nil { try ExpiryTable.removeAll(on: connection) }
        let page = try ItemsTable.keyedPage(after: start, limit: limit, on: connection)
        for (key, value) in page {
            try ExpiryTable.set(key, expiresAt: ItemExpiry.seconds(of: try ItemEncoding.decode(value), attribute: attribute), on: connection)
        }
        return page.last?.key
    }

    /// Deletes up to `limit` items expired at `now`, each an ordinary
    /// delete (indexes, change log) that costs no capacity. The expiry is
    /// checked again on the item itself, which a write may have moved.
    /// Returns how many expiry rows it handled (fewer than `limit`: none
    /// are left) and how many items it deleted.
    func deleteExpired(now: Double, limit: Int, attribute: String) throws -> (handled: Int, deleted: Int) {
        // The seconds `ItemExpiry.isDue` accepts.
        let window = Int((now - Double(ItemExpiry.ignoredAfter)).rounded(.up))...Int(now.rounded(.down))
        let keys = try ExpiryTable.due(in: window, limit: limit, on: connection)
        var deleted = 0
        for key in keys {
            guard let stored = try current(key) else {
                try ExpiryTable.remove(key, on: connection)
                continue
            }
            let item = try stored.item()
            if let seconds = ItemExpiry.seconds(of: item, attribute: attribute), ItemExpiry.isDue(seconds, now: now) {
                try delete(key, existingSize: stored.size, knownOld: .some(item), origin: .timeToLive)
                deleted += 1
            } else {
                try ExpiryTable.set(key, expiresAt: ItemExpiry.seconds(of: item, attribute: attribute), on: connection)
            }
        }
        return (keys.count, deleted)
    }

    /// Deletes up to `limit` of the oldest stream records written before
    /// `cutoff` (milliseconds since 1970); returns how many.
    func trimStreamRecords(before cutoff: Int, limit: Int) throws -> Int {
        try StreamLogTable.trim(before: cutoff, limit: limit, on: connection)
    }

    /// Deletes up to `limit` of the changes in the history made before
    /// `cutoff` (milliseconds since 1970); returns how many.
    func trimHistory(before cutoff: Int, limit: Int) throws -> Int {
        try HistoryTable.trim(before: cutoff, limit: limit, on: connection)
    }

    /// The logged changes the global indexes may not hold yet, as the
    /// items now stand; for the catch-up at start-up.
    func unappliedChanges(_ snapshot: TableIndexing.Snapshot) throws -> [IndexChange] {
        try ChangeLogTable.unapplied(on: connection).map { row in
            let current = try current(row.key)?.item()
            return IndexChange(
                sequence: row.sequence,
                mutations: IndexMutation.replay(
                    oldEntries: row.oldEntries, current: current, tableKey: row.key,
                    indexes: snapshot.globals.map(\.definition), schema: snapshot.tableKey))
        }
    }

    /// Records that the global indexes hold every change up to `sequence`.
    func recordApplied(through sequence: Int) throws {
        try ChangeLogTable.markApplied(through: sequence, on: connection)
    }

    /// Has the commit record how far the global indexes are, so that a
    /// restart has nothing to replay.
    func recordPropagation() {
        recordsPosition = true
    }

    // MARK: Indexes

    /// What the table keeps up beside its items, if anything (an index
    /// partition keeps up nothing).
    private var upkeep: TableIndexing.Snapshot? {
        upkeep(at: nil)
    }

    /// The same for a transaction's change: whether the history has it
    /// was decided at its commit point, for all of its partitions at once.
    private func upkeep(at commit: CommitPoint?) -> TableIndexing.Snapshot? {
        guard var snapshot = context?.upkeep.indexing.current else { return nil }
        if let commit { snapshot.keepsHistory = commit.keepsHistory }
        return snapshot.isEmpty ? nil : snapshot
    }

    /// Local indexes change in this transaction; global ones get a change
    /// in the log, applied after the commit.
    private func maintain(_ snapshot: TableIndexing.Snapshot, key: [UInt8], old oldItem: Item?, new newItem: Item?) throws {
        for local in snapshot.locals {
            let mutations = IndexMutation.mutations(of: local.definition, old: oldItem, new: newItem, tableKey: key, schema: snapshot.tableKey)
            for mutation in mutations {
                switch mutation {
                case .put(let entryKey, let entry): try ItemsTable.upsert(entryKey, entry, in: local.sqlTable, on: connection)
                case .delete(let entryKey): try ItemsTable.delete(entryKey, in: local.sqlTable, on: connection)
                }
            }
        }
        var mutations: [(index: String, mutation: IndexMutation)] = []
        var oldEntries: [String: [UInt8]] = [:]
        for global in snapshot.globals where global.definition.status != .deleting {
            let index = global.definition
            for mutation in IndexMutation.mutations(of: index, old: oldItem, new: newItem, tableKey: key, schema: snapshot.tableKey) {
                mutations.append((index.name, mutation))
            }
            if let values = oldItem.flatMap(index.keyValues) { oldEntries[index.name] = IndexKeyEncoding.entryKey(values, tableKey: key) }
        }
        // A change no global index sees needs neither the log nor a propagation.
        guard !mutations.isEmpty else { return }
        try prepareChangeLog()
        let sequence = try ChangeLogTable.append(key: key, oldEntries: oldEntries, on: connection)
        changes.append(IndexChange(sequence: sequence, mutations: mutations))
    }

    /// Appends the change's record to the stream, with the images its
    /// view type keeps.
    private func record(
        _ event: StreamRecord.Event, in stream: StreamDefinition, old: Item?, new: Item?, schema: KeySchema,
        origin: StreamRecord.Origin = .request
    ) throws {
        guard let context, let images = schema.streamImages(old: old, new: new, viewType: stream.viewType) else { return }
        try StreamLogTable.append(
            generation: stream.generation, at: context.upkeep.milliseconds, event: event, origin: origin,
            keys: images.keys, old: images.old, new: images.new, on: connection)
    }

    /// Records the image the change replaces, and when.
    private func keepHistory(of key: [UInt8], old: Item?, stamp: Int?) throws {
        guard let context else { return }
        let at = stamp ?? context.upkeep.milliseconds
        try HistoryTable.append(at: at, key: key, old: old.map { ItemEncoding.encode($0) }, on: connection)
    }

    private func prepareChangeLog() throws {
        guard let context, !createdChangeLog, !context.hasChangeLog.load(ordering: .relaxed) else { return }
        try ChangeLogTable.create(on: connection)
        createdChangeLog = true
    }

    /// The items of the key's partition-key value and their local index
    /// entries must stay within the limit.
    private func checkCollectionSize(of key: [UInt8], in snapshot: TableIndexing.Snapshot) throws {
        let range = KeyRange.allKeys(withPrefix: Array(key.prefix(KeyEncoding.partitionPrefixLength(ofEncoded: key))))
        var total = try ItemsTable.bytes(in: range, of: ItemsTable.items, on: connection)
        for local in snapshot.locals { total += try ItemsTable.bytes(in: range, of: local.sqlTable, on: connection) }
        if let context, total > context.upkeep.itemCollectionLimit {
            throw DynamoError.itemCollectionSizeLimitExceeded("Collection size exceeded")
        }
    }

    /// Changes between records of the propagation position: each record
    /// and trim costs the log a page or two, and a restart replays at most
    /// this many changes again, which is harmless.
    static let recordEvery = 256

    // MARK: GroupCommitTransaction

    var savepoint: Savepoint {
        Savepoint(delta: delta, changeCount: changes.count, createdChangeLog: createdChangeLog)
    }

    func rollBack(to savepoint: Savepoint) {
        delta = savepoint.delta
        changes.removeLast(changes.count - savepoint.changeCount)
        createdChangeLog = savepoint.createdChangeLog
    }

    func willCommit() throws {
        if delta != PartitionStatistics() {
            try ItemsTable.addStatistics(delta, on: connection)
        }
        if let context,
           let position = context.upkeep.propagator.positionToRecord(
               for: context.upkeep.position, every: recordsPosition ? 1 : Self.recordEvery),
           createdChangeLog || context.hasChangeLog.load(ordering: .relaxed) {
            try ChangeLogTable.markApplied(through: position, on: connection)
            recordedPosition = position
        }
    }

    func addCommitted(to totals: inout PartitionStatistics) {
        totals.add(delta)
        if createdChangeLog { context?.hasChangeLog.store(true, ordering: .relaxed) }
        if let recordedPosition, let context { context.upkeep.propagator.recorded(recordedPosition, for: context.upkeep.position) }
    }

    /// Answers once the global indexes hold the transaction's changes.
    func deliver(_ answer: @escaping @Sendable () -> Void) {
        guard !changes.isEmpty, let context else { return answer() }
        context.upkeep.propagator.submit(changes, from: context.upkeep.position, answer: answer)
    }
}
