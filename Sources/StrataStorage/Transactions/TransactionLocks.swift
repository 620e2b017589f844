import Synchronization

/// The item locks of transactions. A write transaction holds its items
/// exclusively from before it reads them until every change is applied; a
/// read transaction holds its items shared while it reads them.
///
/// A transaction takes all of its locks at once or none, so no two
/// transactions can deadlock. A writer that meets another writer gives up
/// (DynamoDB's TransactionConflict); every other meeting waits, because the
/// holder is about to finish: readers wait for a writer to apply, a writer
/// waits for readers to finish reading (a reader gives up after a bounded
/// wait, for a writer that failed and holds on). A waiting writer keeps new readers
/// off its items so that a stream of reads cannot starve it.
final class TransactionLocks: Sendable {
    struct Key: Hashable, Sendable {
        /// The table's id, not its name, which a new table may reuse.
        let table: String
        let key: [UInt8]
    }

    private struct Entry {
        var writing = false
        var readers = 0
        var writersWaiting = 0

        var isFree: Bool { !writing && readers == 0 && writersWaiting == 0 }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Everyone waiting for a lock, by waiter id; any release wakes them
        /// all to try again (true), a reader's deadline wakes it to give up (false).
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter = 0

        mutating func newWaiterID() -> Int {
            defer { nextWaiter += 1 }
            return nextWaiter
        }
    }

    private let state = Mutex(State())
    /// How many items are locked for writing, so that single-item writes can
    /// skip the lock table while no transaction runs.
    private let writeLocked = Atomic<Int>(0)

    /// Locks every key for writing and returns nil, or returns the indices
    /// of the keys another write transaction holds and locks nothing.
    func lockForWriting(_ keys: [Key]) async -> [Int]? {
        let id = state.withLock { $0.newWaiterID() }
        var registeredWaits: [Key] = []
        while true {
            var conflicts: [Int]?
            var acquired = false
            _ = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                state.withLock { state in
                    for key in registeredWaits {
                        state.entries[key, default: Entry()].writersWaiting -= 1
                        if state.entries[key]?.isFree == true { state.entries[key] = nil }
                    }
                    registeredWaits = []
                    let held = keys.indices.filter { state.entries[keys[$0]]?.writing == true }
                    if !held.isEmpty {
                        conflicts = held
                        continuation.resume(returning: true)
                        return
                    }
                    let read = keys.filter { (state.entries[$0]?.readers ?? 0) > 0 }
                    if !read.isEmpty {
                        for key in read { state.entries[key, default: Entry()].writersWaiting += 1 }
                        registeredWaits = read
                        state.waiters[id] = continuation
                        return
                    }
                    for key in keys { state.entries[key, default: Entry()].writing = true }
                    writeLocked.add(keys.count, ordering: .relaxed)
                    acquired = true
                    continuation.resume(returning: true)
                }
            }
            if acquired { return nil }
            if let conflicts { return conflicts }
        }
    }

    /// Locks every key for reading, waiting while a writer holds or wants
    /// any of them, but not past `bound`: a write transaction that failed
    /// after its commit point keeps its items until the next start, and a
    /// read must not wait for that forever (graceful shutdown waits for
    /// every request). Then it throws the indices of the keys still held,
    /// as DynamoDB cancels a transaction that meets another.
    func lockForReading(_ keys: [Key], waitingAtMost bound: Duration) async throws(TransactionConflict) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: bound)
        let id = state.withLock { $0.newWaiterID() }
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        while true {
            var acquired = false
            var conflicts: [Int] = []
            _ = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                state.withLock { state in
                    let blocked = keys.indices.filter { index in
                        guard let entry = state.entries[keys[index]] else { return false }
                        return entry.writing || entry.writersWaiting > 0
                    }
                    if blocked.isEmpty {
                        for key in keys { state.entries[key, default: Entry()].readers += 1 }
                        acquired = true
                        continuation.resume(returning: true)
                    } else if clock.now >= deadline {
                        conflicts = blocked
                        continuation.resume(returning: false)
                    } else {
                        state.waiters[id] = continuation
                        // One timer for the whole call; it wakes this waiter at the deadline.
                        if timer == nil {
                            timer = Task { [self] in
                                guard (try? await Task.sleep(until: deadline, clock: clock)) != nil else { return }
                                giveUpWaiting(id)
                            }
                        }
                    }
                }
            }
            if acquired { return }
            if !conflicts.isEmpty { throw TransactionConflict(indices: conflicts) }
        }
    }

    /// Wakes waiter `id`, if it still waits, to give up.
    private func giveUpWaiting(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: false)
    }

    func unlockWriting(_ keys: [Key]) {
        release(keys) { $0.writing = false }
        writeLocked.subtract(keys.count, ordering: .relaxed)
    }

    func unlockReading(_ keys: [Key]) {
        release(keys) { $0.readers -= 1 }
    }

    private func release(_ keys: [Key], _ change: (inout Entry) -> Void) {
        let waiters = state.withLock { state in
            for key in keys {
                guard var entry = state.entries[key] else { continue }
                change(&entry)
                state.entries[key] = entry.isFree ? nil : entry
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Whether a write transaction holds the key.
    func isLockedForWriting(_ key: Key) -> Bool {
        guard writeLocked.load(ordering: .relaxed) > 0 else { return false }
        return state.withLock { $0.entries[key]?.writing == true }
    }
}
