import Logging
import StrataModel
import Synchronization

/// One change of an item, on its way from a base partition to the
/// table's global indexes: what it does to each of them, worked out by the
/// partition's writer, which has both images at hand.
struct IndexChange: Sendable {
    /// The change's position in the base partition's log; 0 for a
    /// backfill copy, which the log does not hold.
    var sequence: Int
    var mutations: [(index: String, mutation: IndexMutation)]
}

/// Carries a table's changes to its global indexes, each base partition's
/// in the order the partition committed them, so that every index
/// converges to what the table implies (an item's changes all come from
/// its one partition). Applying a change is idempotent (delete the old
/// image's entries, put the new one's), so after a crash replaying each
/// partition's log from its recorded position is safe.
///
/// One propagator serves all of a table's partitions: each round applies
/// what every partition committed meanwhile, so that an index partition
/// takes many entries in one transaction. With one propagator per base
/// partition, 32 writers spread over 8 partitions and two indexes of 8
/// partitions each left about one entry per index transaction, and the
/// threads' wake-ups ate the machine (Benchmarks/indexes).
///
/// By default the writes that made a batch of changes are answered once
/// the batch is in the indexes: a client reads its own writes through an
/// index, as with DynamoDB Local. With a lag, they are answered at once
/// and the batch waits that long, as DynamoDB's indexes trail the table.
final class IndexPropagator: Sendable {
    private struct Batch {
        /// The base partition that committed the changes, by its position in the table.
        var source: Int
        var changes: [IndexChange]
        var answer: (@Sendable () -> Void)?
        var due: ContinuousClock.Instant
    }

    private struct State {
        var pending: [Batch] = []
        var running = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// For each base partition: every change up to this position of
        /// its log is in the indexes.
        var applied: [Int]
        /// For each base partition: the position its log's `propagation` row holds.
        var recorded: [Int]
        /// A batch failed to apply: the position stops moving, so that a
        /// restart replays everything from before the failure.
        var stalled = false
    }

    private let indexing: TableIndexing
    private let lag: Duration
    private let executor: StorageExecutor
    private let logger: Logger
    private let state: Mutex<State>

    /// For a table of `partitions` base partitions. Starts at position 0:
    /// the first changes it applies record where each log stands (a start
    /// catches up on what came before).
    init(partitions: Int, indexing: TableIndexing, lag: Duration, executor: StorageExecutor, logger: Logger) {
        self.indexing = indexing
        self.lag = lag
        self.executor = executor
        self.logger = logger
        state = Mutex(State(applied: Array(repeating: 0, count: partitions), recorded: Array(repeating: 0, count: partitions)))
    }

    /// Queues changes base partition `source` has just committed;
    /// `answer` answers the writes that made them.
    func submit(_ changes: [IndexChange], from source: Int, answer: @escaping @Sendable () -> Void) {
        let immediate = lag > .zero
        let batch = Batch(source: source, changes: changes, answer: immediate ? nil : answer, due: .now + lag)
        let start = state.withLock { state -> Bool in
            state.pending.append(batch)
            defer { state.running = true }
            return !state.running
        }
        if immediate { answer() }
        if start {
            Task(executorPreference: executor) { await self.run() }
        }
    }

    /// Changes committed to the table and not yet in its global indexes.
    var pendingChanges: Int {
        state.withLock { state in state.pending.reduce(0) { $0 + $1.changes.count } }
    }

    /// Waits until every queued change is in the indexes.
    func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                guard state.running else { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// The position to record in base partition `source`'s log with its
    /// next commit, if it moved at least `every` changes since it was last recorded.
    func positionToRecord(for source: Int, every: Int) -> Int? {
        state.withLock { state in
            state.applied[source] - state.recorded[source] >= every ? state.applied[source] : nil
        }
    }

    func recorded(_ position: Int, for source: Int) {
        state.withLock { $0.recorded[source] = max($0.recorded[source], position) }
    }

    // MARK: Applying

    private func run() async {
        while let batches = await nextBatches() {
            do {
                try await apply(batches.flatMap(\.changes))
                state.withLock { state in
                    guard !state.stalled else { return }
                    for batch in batches {
                        let last = batch.changes.lazy.map(\.sequence).max() ?? 0
                        state.applied[batch.source] = max(state.applied[batch.source], last)
                    }
                }
            } catch {
                state.withLock { $0.stalled = true }
                logger.error(
                    "Global secondary indexes could not be updated; they will catch up when the server restarts",
                    metadata: ["error": "\(error)"])
            }
            for batch in batches { batch.answer?() }
        }
    }

    /// Every batch that is due, waiting for the first if need be; nil
    /// once nothing is queued.
    private func nextBatches() async -> [Batch]? {
        while true {
            enum Next {
                case batches([Batch])
                case wait(ContinuousClock.Instant)
                case idle([CheckedContinuation<Void, Never>])
            }
            let now = ContinuousClock.now
            let next = state.withLock { state -> Next in
                guard let first = state.pending.first else {
                    state.running = false
                    defer { state.idleWaiters = [] }
                    return .idle(state.idleWaiters)
                }
                guard first.due <= now else { return .wait(first.due) }
                let count = state.pending.prefix { $0.due <= now }.count
                defer { state.pending.removeFirst(count) }
                return .batches(Array(state.pending.prefix(count)))
            }
            switch next {
            case .batches(let batches):
                return batches
            case .wait(let due):
                try? await Task.sleep(until: due, clock: .continuous)
            case .idle(let waiters):
                for waiter in waiters { waiter.resume() }
                return nil
            }
        }
    }

    /// Writes the changes' mutations to each index partition they touch,
    /// one partition after another on this storage thread, each in the
    /// changes' order. Handing each partition's share to its writer's
    /// thread instead cost a wake-up per partition and round, more than
    /// the share itself (about 2 entries a partition at 32 connections;
    /// Benchmarks/indexes). A partition of an index removed meanwhile is
    /// closed: its writes are moot.
    private func apply(_ changes: [IndexChange]) async throws {
        for (index, partition, mutations) in Self.plan(changes.lazy.flatMap(\.mutations), for: indexing.current) {
            do {
                try await partition.writeHere { transaction in
                    for mutation in mutations { try transaction.apply(mutation) }
                }
            } catch {
                if indexing.current.global(named: index) != nil { throw error }
            }
        }
    }

    /// The mutations grouped by the index partition they go to, in order,
    /// with the name of the partition's index; mutations of indexes no
    /// longer there are dropped.
    static func plan(
        _ mutations: some Sequence<(index: String, mutation: IndexMutation)>, for snapshot: TableIndexing.Snapshot
    ) -> [(index: String, partition: Partition, mutations: [IndexMutation])] {
        var work: [(index: String, partition: Partition, mutations: [IndexMutation])] = []
        var positions: [ObjectIdentifier: Int] = [:]
        for (index, mutation) in mutations {
            guard let global = snapshot.global(named: index), global.definition.status != .deleting else { continue }
            let partition = global.store.partition(forEncodedKey: mutation.key)
            let id = ObjectIdentifier(partition)
            if let position = positions[id] {
                work[position].mutations.append(mutation)
            } else {
                positions[id] = work.count
                work.append((index, partition, [mutation]))
            }
        }
        return work
    }
}
