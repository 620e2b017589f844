import Synchronization

/// The write transactions past their commit point and not yet applied to
/// every partition. A backup waits for those in flight when it fixes its
/// moment: every transaction then either is wholly in the partitions or
/// commits later.
final class CommitsInFlight: Sendable {
    private struct Waiter {
        var pending: Set<Int>
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var next = 0
        var active: Set<Int> = []
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())

    /// Registers a transaction about to commit.
    func begin() -> Int {
        state.withLock { state in
            state.next += 1
            state.active.insert(state.next)
            return state.next
        }
    }

    /// The transaction applied, or failed.
    func end(_ ticket: Int) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.active.remove(ticket)
            var ready: [CheckedContinuation<Void, Never>] = []
            for index in state.waiters.indices { state.waiters[index].pending.remove(ticket) }
            state.waiters.removeAll { waiter in
                guard waiter.pending.isEmpty else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// How many `settle` calls are waiting: for tests.
    var waiting: Int {
        state.withLock { $0.waiters.count }
    }

    /// Returns once every transaction in flight now has ended.
    func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                guard !state.active.isEmpty else { return true }
                state.waiters.append(Waiter(pending: state.active, continuation: continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }
}
