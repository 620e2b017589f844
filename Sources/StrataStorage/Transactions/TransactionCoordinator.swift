#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataModel

/// Runs transactions across partitions and tables (DESIGN.md):
///
/// 1. lock every item, all at once or not at all;
/// 2. read the items on their partitions' writers and let the caller decide
///    (conditions, updates);
/// 3. commit one record of the outcome to the log: the commit point;
/// 4. apply it to each partition, then mark the record applied;
/// 5. at start-up, apply again any record committed but not marked applied.
///
/// Readers of items a transaction has locked wait until it has applied, so
/// a read transaction sees all of a write transaction or none of it. A
/// write transaction keeps its partitions' files open from before its locks
/// until it has applied: it cannot commit and then lack descriptors.
final class TransactionCoordinator: Sendable {
    /// One item of a transaction and the partition that holds it.
    struct Target: Sendable {
        let store: TableStore
        let key: [UInt8]

        var partition: Partition { store.partition(forEncodedKey: key) }
        var lockKey: TransactionLocks.Key { .init(table: store.id, key: key) }
    }

    let locks = TransactionLocks()
    /// Transactions between their commit point and their last partition.
    let inFlight = CommitsInFlight()
    /// Milliseconds since 1970 now: a transaction's changes all carry the
    /// moment of its commit point in the partitions' history.
    private let milliseconds: @Sendable () -> Int
    private let log: TransactionLog
    private let tokens: IdempotencyTokens
    private let haltAfterCommit: Bool
    /// How long a read transaction waits for items a write transaction holds.
    private let readWaitBound: Duration

    /// Takes over the log and applies what a crash left committed but unapplied.
    init(
        log: TransactionLog, stores: [TableStore], readWaitBound: Duration, haltAfterCommit: Bool = false,
        milliseconds: @escaping @Sendable () -> Int
    ) throws {
        self.log = log
        self.milliseconds = milliseconds
        self.readWaitBound = readWaitBound
        self.haltAfterCommit = haltAfterCommit
        let storesByID = Dictionary(stores.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let now = Self.now()
        for pending in try log.pending() {
            for (partition, writes) in Self.partitioned(pending.record.writes, stores: storesByID) {
                try partition.writeNow { try Self.apply(writes, in: $0, commit: { _ in nil }) }
            }
            try log.markAppliedNow(pending.id, now: now)
        }
        tokens = IdempotencyTokens(window: TransactionLog.tokenWindowSeconds, recent: try log.recentTokens(now: now))
    }

    static func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int(time.tv_sec)
    }

    // MARK: Write transactions

    func write(
        _ targets: [Target], token: TransactionToken?, decide: ([CurrentItem]) throws -> [ItemAction]
    ) async throws -> TransactionWriteOutcome {
        let now = Self.now()
        if let token, try tokens.claim(token, now: now) == .alreadyApplied {
            return .alreadyApplied
        }
        var committed = false
        do {
            try await holdingOpen(Self.partitions(of: targets)[...]) {
                try await locked(targets) {
                    let stored = try await readCurrent(targets)
                    let current = stored.map { stored in
                        CurrentItem(size: stored?.size) { try stored?.item() }
                    }
                    let actions = try decide(current)
                    var record = TransactionRecord(writes: [], token: token, created: now)
                    for (target, action) in zip(targets, actions) {
                        switch action {
                        case .keep: continue
                        case .put(let value):
                            record.writes.append(.init(table: target.store.id, key: target.key, value: value))
                        case .delete:
                            record.writes.append(.init(table: target.store.id, key: target.key, value: nil))
                        }
                    }
                    guard !record.writes.isEmpty else { return }
                    let ticket = inFlight.begin()
                    defer { inFlight.end(ticket) }
                    // The moment first, then whether each table keeps history:
                    // a backup that turns history on after this sees the moment before its own.
                    let stamp = milliseconds()
                    var points: [String: CommitPoint] = [:]
                    for target in targets where points[target.store.id] == nil {
                        let keeps = target.partition.upkeep?.indexing.current.keepsHistory ?? false
                        points[target.store.id] = CommitPoint(milliseconds: stamp, keepsHistory: keeps)
                    }
                    let id = try await log.commit(record)
                    committed = true
                    if haltAfterCommit {
                        throw TransactionLogFailure(underlying: DynamoError.internalFailure("Halted after the commit point"))
                    }
                    do {
                        try await apply(record.writes, targets: targets, points: points)
                        try await log.markApplied(id, now: now)
                    } catch {
                        throw TransactionLogFailure(
                            underlying: DynamoError.internalFailure("The transaction committed but could not be applied yet: \(error)"))
                    }
                }
            }
        } catch {
            if let token {
                if committed { tokens.applied(token, now: now) } else { tokens.abandoned(token) }
            }
            throw error
        }
        if let token { tokens.applied(token, now: now) }
        return .applied
    }

    /// Each partition of `targets` once.
    private static func partitions(of targets: [Target]) -> [Partition] {
        var seen: Set<ObjectIdentifier> = []
        return targets.map(\.partition).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// Keeps `partitions` open while `body` runs, so that applying a
    /// committed transaction never lacks descriptors: if they cannot all be
    /// opened, the transaction fails before its commit point.
    private func holdingOpen(_ partitions: ArraySlice<Partition>, _ body: () async throws -> Void) async throws {
        guard let first = partitions.first else { return try await body() }
        try await first.holdingOpen { try await holdingOpen(partitions.dropFirst(), body) }
    }

    /// Holds the write locks of `targets` while `body` runs. If the
    /// transaction committed but could not be applied, its items stay
    /// locked: no later write may land before the record is applied again
    /// at the next start.
    private func locked(_ targets: [Target], _ body: () async throws -> Void) async throws {
        let keys = targets.map(\.lockKey)
        if let conflicts = await locks.lockForWriting(keys) {
            throw TransactionConflict(indices: conflicts)
        }
        do {
            try await body()
        } catch let error as TransactionLogFailure {
            throw error.underlying
        } catch {
            locks.unlockWriting(keys)
            throw error
        }
        locks.unlockWriting(keys)
    }

    /// The stored items, read on each partition's writer so that every
    /// write queued before the locks were taken is seen.
    private func readCurrent(_ targets: [Target]) async throws -> [StoredItem?] {
        let groups = Dictionary(grouping: targets.indices) { ObjectIdentifier(targets[$0].partition) }
        return try await withThrowingTaskGroup(of: [(Int, StoredItem?)].self) { group in
            for indices in groups.values {
                let partition = targets[indices[0]].partition
                let keys = indices.map { (index: $0, key: targets[$0].key) }
                group.addTask {
                    try await partition.write { transaction in
                        try keys.map { ($0.index, try transaction.current($0.key)) }
                    }
                }
            }
            var stored = [StoredItem?](repeating: nil, count: targets.count)
            for try await results in group {
                for (index, value) in results { stored[index] = value }
            }
            return stored
        }
    }

    /// Applies committed writes to their partitions. A table deleted
    /// meanwhile has nothing left to apply to.
    private func apply(_ writes: [TransactionRecord.Write], targets: [Target], points: [String: CommitPoint]) async throws {
        let stores = Dictionary(targets.map { ($0.store.id, $0.store) }, uniquingKeysWith: { first, _ in first })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (partition, writes) in Self.partitioned(writes, stores: stores) {
                group.addTask {
                    do {
                        try await partition.write { try Self.apply(writes, in: $0, commit: { points[$0] }) }
                    } catch DynamoError.resourceNotFound {
                        // The table was deleted.
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private static func partitioned(
        _ writes: [TransactionRecord.Write], stores: [String: TableStore]
    ) -> [(Partition, [TransactionRecord.Write])] {
        var groups: [ObjectIdentifier: (Partition, [TransactionRecord.Write])] = [:]
        for write in writes {
            guard let store = stores[write.table] else { continue }
            let partition = store.partition(forEncodedKey: write.key)
            groups[ObjectIdentifier(partition), default: (partition, [])].1.append(write)
        }
        return Array(groups.values)
    }

    /// Writes final images, each table's at its commit point (nil: a
    /// replay at start-up, now); the same images applied again change nothing.
    private static func apply(
        _ writes: [TransactionRecord.Write], in transaction: PartitionTransaction, commit: (String) -> CommitPoint?
    ) throws {
        for write in writes {
            let old = try transaction.currentSize(write.key)
            if let value = write.value {
                try transaction.put(write.key, value, replacingSize: old, commit: commit(write.table))
            } else if let old {
                try transaction.delete(write.key, existingSize: old, commit: commit(write.table))
            }
        }
    }

    // MARK: Read transactions

    /// The stored items, none of them half way through a write transaction.
    /// Throws `TransactionConflict` if a write transaction holds some of
    /// them for longer than the read may wait.
    func read(_ targets: [Target]) async throws -> [StoredItem?] {
        let keys = targets.map(\.lockKey)
        try await locks.lockForReading(keys, waitingAtMost: readWaitBound)
        defer { locks.unlockReading(keys) }
        var values: [StoredItem?] = []
        values.reserveCapacity(targets.count)
        for target in targets {
            values.append(try await target.partition.get(target.key))
        }
        return values
    }

    /// Empties the log's write-ahead log if nothing wrote to it since the last call.
    func emptyLogIfIdle() async throws {
        try await log.emptyLogIfIdle()
    }

    func close() async {
        await log.close()
    }
}

/// A failure after the commit point, which must keep the items locked.
private struct TransactionLogFailure: Error {
    let underlying: any Error
}
