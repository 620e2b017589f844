import Synchronization

/// Counts API requests from their head to their answer: the cap on
/// requests in flight (`--max-in-flight`), checked before a body is read,
/// and what graceful shutdown waits for.
final class InFlightRequests: Sendable {
    private struct State {
        var count = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    /// nil: no cap (throttling off).
    let maximum: Int?

    init(maximum: Int?) {
        self.maximum = maximum
    }

    /// Requests in flight now.
    var count: Int {
        state.withLock { $0.count }
    }

    /// Counts a request in, unless the cap is reached.
    func tryBegin() -> Bool {
        state.withLock { state in
            if let maximum, state.count >= maximum { return false }
            state.count += 1
            return true
        }
    }

    func end() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count -= 1
            guard state.count == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no request is in flight.
    func drained() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.count == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
