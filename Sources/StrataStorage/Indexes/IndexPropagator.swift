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
/// One propagator serves all of a table's partitions. Each round lays
/// what every partition committed meanwhile over the index partitions'
/// recent entries (`RecentEntries`), which reads see at once; every
/// `writeInterval` (or sooner, when they grow large) it writes them to
/// the index partitions' databases, one transaction each. Written a round
/// at a time (about 7 changes at 32 connections), each entry cost a page
/// of an index B-tree in the log, and an indexed PutItem ran at 29% of a
/// plain one; written together, many entries share their pages
/// (Benchmarks/indexes). The table's change log keeps each change until
/// its entries are written, so a crash loses nothing.
///
/// By default the writes that made a batch of changes are answered once
/// the batch's entries are readable: a client reads its own writes
/// through an index, as with DynamoDB Local. With a lag, they are answered
/// at once and the batch waits that long, as DynamoDB's indexes trail the
/// table.
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
        /// its log is in the indexes, in their recent entries or their databases.
        var applied: [Int]
        /// For each base partition: every change up to this position of
        /// its log is in the indexes' databases.
        var written: [Int]
        /// For each base partition: the position its log's `propagation` row holds.
        var recorded: [Int]
        /// Index partitions holding recent entries, with their index's name.
        var unwritten: [ObjectIdentifier: (index: String, partition: Partition)] = [:]
        /// When the oldest recent entry is to be written at the latest.
        var writeDue: ContinuousClock.Instant?
        /// A timer will ask for the recent entries to be written at `writeDue`.
        var timerSet = false
        /// The timer went off: write the recent entries.
        var writeRequested = false
        /// A write of recent entries to the databases is under way.
        var writing = false
        /// Writes of recent entries begun, and ended.
        var writesBegun = 0
        var writesEnded = 0
        /// Waiting for the write with their number to end.
        var writtenWaiters: [(write: Int, continuation: CheckedContinuation<Void, Never>)] = []
        /// A write to the indexes failed: the positions stop moving, so
        /// that a restart replays everything from before the failure.
        var stalled = false
    }

    /// Recent entries wait at most this long to be written. Under a steady
    /// load, this is the pace of the indexes' transactions: the longer, the
    /// more entries share each page they write. A second cost an indexed
    /// PutItem 13% less CPU than 250 ms, and two seconds only 3% less
    /// again (Benchmarks/indexes).
    static let writeInterval = Duration.seconds(1)
    /// Recent entries are written at once when an index partition holds
    /// this many (keeping them in key order stays cheap: an insertion
    /// moves at most this many small entries) or the table's indexes this
    /// many bytes (memory stays bounded). A second of the benchmark's
    /// puts is about 4,000 entries a partition.
    static let maximumRecentEntries = 8192
    static let maximumRecentBytes = 32 << 20

    private let indexing: TableIndexing
    private let lag: Duration
    /// The rounds run on the request threads, whose writes wait for them;
    /// the writes to the databases on the bulk threads (nice 19), which
    /// nothing waits for but memory: under load they fall behind and write
    /// larger batches, and an indexed PutItem used 10% less CPU and ran
    /// 15-20% faster than with both on the request threads (Benchmarks/indexes).
    private let executor: StorageExecutor
    private let writeExecutor: StorageExecutor
    private let logger: Logger
    private let state: Mutex<State>

    /// For a table of `partitions` base partitions. Starts at position 0:
    /// the first changes it applies record where each log stands (a start
    /// catches up on what came before).
    init(partitions: Int, indexing: TableIndexing, lag: Duration, threads: StorageThreads, logger: Logger) {
        self.indexing = indexing
        self.lag = lag
        executor = threads.requests
        writeExecutor = threads.bulk
        self.logger = logger
        let positions = Array(repeating: 0, count: partitions)
        state = Mutex(State(applied: positions, written: positions, recorded: positions))
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
        if start { startLoop() }
    }

    /// Changes committed to the table and not yet in its global indexes.
    var pendingChanges: Int {
        state.withLock { state in state.pending.reduce(0) { $0 + $1.changes.count } }
    }

    /// Waits until every queued change is in the indexes' databases.
    func idle() async {
        await wait { state, continuation in
            if !state.running, !state.writing, state.unwritten.isEmpty { return true }
            state.idleWaiters.append(continuation)
            return false
        }
    }

    /// Waits until the indexes' databases hold every entry readable now,
    /// so that their statistics count the writes answered so far (as
    /// DescribeTable's do with DynamoDB Local); unlike `idle`, it does not
    /// wait for the writes that come meanwhile.
    func written() async {
        await wait { state, continuation in
            // Gathering entries go into the next write; one under way holds the earlier ones.
            let write = state.unwritten.isEmpty ? state.writesBegun : state.writesBegun + 1
            guard write > state.writesEnded else { return true }
            state.writtenWaiters.append((write, continuation))
            if write > state.writesBegun { state.writeRequested = true }
            return false
        }
    }

    /// Waits as `register` says: true if there is nothing to wait for,
    /// else it keeps the continuation where the loop resumes it. Starts
    /// the loop unless it runs (a write under way starts it when it ends).
    private func wait(_ register: (inout State, CheckedContinuation<Void, Never>) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (done, start) = state.withLock { state -> (Bool, Bool) in
                if register(&state, continuation) { return (true, false) }
                guard !state.running, !state.writing else { return (false, false) }
                state.running = true
                return (false, true)
            }
            if done { continuation.resume() }
            if start { startLoop() }
        }
    }

    /// Runs the loop on the request threads: writes wait for its rounds.
    private func startLoop() {
        Task(executorPreference: executor) { await self.run() }
    }

    /// The position to record in base partition `source`'s log with its
    /// next commit, if it moved at least `every` changes since it was last recorded.
    func positionToRecord(for source: Int, every: Int) -> Int? {
        state.withLock { state in
            state.written[source] - state.recorded[source] >= every ? state.written[source] : nil
        }
    }

    func recorded(_ position: Int, for source: Int) {
        state.withLock { $0.recorded[source] = max($0.recorded[source], position) }
    }

    // MARK: Applying

    private enum Work {
        case apply([Batch])
        case write
    }

    private func run() async {
        while let work = await nextWork() {
            switch work {
            case .apply(let batches):
                hold(batches.flatMap(\.changes))
                state.withLock { state in
                    for batch in batches {
                        let last = batch.changes.lazy.map(\.sequence).max() ?? 0
                        state.applied[batch.source] = max(state.applied[batch.source], last)
                    }
                }
                // The entries are read from memory now: the writes need not wait for the databases.
                for batch in batches { batch.answer?() }
                if recentIsFull || writeIsDue { await beginWrite() }
            case .write:
                await beginWrite()
            }
        }
    }

    /// What to do next, waiting for a lagging batch if need be: apply the
    /// batches that are due, else write the recent entries if the timer
    /// asked or somebody waits for the indexes to be idle; nil once nothing
    /// is queued, with a timer set for the recent entries if any.
    private func nextWork() async -> Work? {
        while true {
            enum Next {
                case work(Work)
                case wait(ContinuousClock.Instant)
                case idle([CheckedContinuation<Void, Never>], timer: ContinuousClock.Instant?)
            }
            let now = ContinuousClock.now
            let next = state.withLock { state -> Next in
                let due = state.pending.prefix { $0.due <= now }.count
                if due > 0 {
                    defer { state.pending.removeFirst(due) }
                    return .work(.apply(Array(state.pending.prefix(due))))
                }
                let unwritten = !state.unwritten.isEmpty
                if unwritten, !state.writing,
                   state.writeRequested || !state.idleWaiters.isEmpty || state.writeDue.map({ $0 <= now }) == true {
                    return .work(.write)
                }
                guard let first = state.pending.first else {
                    state.running = false
                    // The write under way starts the loop again when it ends.
                    if state.writing { return .idle([], timer: nil) }
                    guard unwritten else {
                        defer { state.idleWaiters = [] }
                        return .idle(state.idleWaiters, timer: nil)
                    }
                    guard !state.timerSet, let due = state.writeDue else { return .idle([], timer: nil) }
                    state.timerSet = true
                    return .idle([], timer: due)
                }
                return .wait(state.writing ? first.due : min(first.due, state.writeDue ?? first.due))
            }
            switch next {
            case .work(let work):
                return work
            case .wait(let due):
                try? await Task.sleep(until: due, clock: .continuous)
            case .idle(let waiters, let timer):
                for waiter in waiters { waiter.resume() }
                if let timer { Task(executorPreference: executor) { await self.timerFired(at: timer) } }
                return nil
            }
        }
    }

    /// Asks for the recent entries to be written at `due`.
    private func timerFired(at due: ContinuousClock.Instant) async {
        try? await Task.sleep(until: due, clock: .continuous)
        let start = state.withLock { state -> Bool in
            state.timerSet = false
            guard !state.unwritten.isEmpty else { return false }
            state.writeRequested = true
            defer { state.running = true }
            return !state.running
        }
        if start { await run() }
    }

    /// Lays the changes' mutations over the index partitions they go to, in order.
    private func hold(_ changes: [IndexChange]) {
        let work = Self.plan(changes.lazy.flatMap(\.mutations), for: indexing.current)
        guard !work.isEmpty else { return }
        for (_, partition, mutations) in work {
            for mutation in mutations { partition.recent?.apply(mutation) }
        }
        state.withLock { state in
            for (index, partition, _) in work { state.unwritten[ObjectIdentifier(partition)] = (index, partition) }
            if state.writeDue == nil { state.writeDue = .now + Self.writeInterval }
        }
    }

    /// Whether the oldest recent entry has waited as long as it may, or
    /// a write was asked for.
    private var writeIsDue: Bool {
        state.withLock { state in state.writeRequested || state.writeDue.map { $0 <= .now } ?? false }
    }

    /// Whether the recent entries are as many as may wait.
    private var recentIsFull: Bool {
        let recents = state.withLock { state in state.unwritten.values.compactMap(\.partition.recent) }
        return recents.contains { $0.count >= Self.maximumRecentEntries }
            || recents.reduce(0) { $0 + $1.bytes } >= Self.maximumRecentBytes
    }

    /// Starts writing the recent entries to the databases, beside the
    /// rounds that go on, unless a write is under way: then, if the entries
    /// are as many as may wait, waits for it first, so that memory stays
    /// bounded; else leaves them to gather until it ends.
    private func beginWrite() async {
        if recentIsFull { await writeEnded() }
        let taken = state.withLock { state -> (partitions: [(index: String, partition: Partition)], through: [Int])? in
            guard !state.writing, !state.unwritten.isEmpty else { return nil }
            defer {
                state.writing = true
                state.writesBegun += 1
                state.unwritten = [:]
                state.writeDue = nil
                state.writeRequested = false
            }
            return (Array(state.unwritten.values), state.applied)
        }
        guard let taken else { return }
        // The rounds, and so `hold`, wait for this: nothing gathers meanwhile.
        let frozen = taken.partitions.compactMap { index, partition in partition.recent.map { (index, partition, $0, $0.freeze()) } }
        Task(executorPreference: writeExecutor) { await self.write(frozen, through: taken.through) }
    }

    /// Waits for the write under way, if any, to end.
    private func writeEnded() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = state.withLock { state -> Bool in
                guard state.writing else { return true }
                state.writtenWaiters.append((state.writesBegun, continuation))
                return false
            }
            if ended { continuation.resume() }
        }
    }

    /// Writes each index partition's frozen entries in one transaction of
    /// its own, one partition after another on this bulk thread, in key
    /// order; then drops them and records that the databases hold every
    /// change up to `through`. Handing each partition's share to its
    /// writer's thread instead cost a wake-up per partition, more than the
    /// share itself when entries went a round at a time (Benchmarks/indexes).
    /// A partition of an index removed meanwhile is closed: its writes are
    /// moot. After a failure the entries are dropped all the same, to keep
    /// memory bounded: the positions stop moving, and a restart replays the
    /// changes from the tables' logs.
    private func write(_ frozen: [(index: String, partition: Partition, recent: RecentEntries, entries: [RecentEntries.Entry])], through: [Int]) async {
        var failed = false
        for (index, partition, recent, entries) in frozen {
            do {
                try await partition.writeHere { transaction in
                    for entry in entries {
                        try transaction.apply(entry.item.map { .put(entry.key, $0) } ?? .delete(entry.key))
                    }
                }
            } catch {
                if indexing.current.global(named: index) != nil {
                    failed = true
                    logger.error(
                        "Global secondary indexes could not be updated; they will catch up when the server restarts",
                        metadata: ["error": "\(error)"])
                }
            }
            recent.written()
        }
        let (waiters, restart) = state.withLock { state in
            if failed { state.stalled = true }
            if !state.stalled { state.written = through }
            state.writing = false
            state.writesEnded += 1
            let ended = state.writesEnded
            let waiters = state.writtenWaiters.filter { $0.write <= ended }.map(\.continuation)
            state.writtenWaiters.removeAll { $0.write <= ended }
            // Somebody waits for the indexes to be idle, or entries gathered: the loop goes on.
            let restart = !state.running && (!state.idleWaiters.isEmpty || !state.unwritten.isEmpty)
            if restart { state.running = true }
            return (waiters, restart)
        }
        for waiter in waiters { waiter.resume() }
        if restart { startLoop() }
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
