import Synchronization

/// Bounds uses of the database in time without a timer per use: each use
/// registers its task with its deadline, and a watchdog (`reap`, every
/// 100 ms) cancels the tasks whose deadline has passed, which ends a wait
/// for a connection or a query. A timer task per use cost a fifth of a
/// GetItem's time (Benchmarks/postgres).
final class Deadlines: Sendable {
    /// The task of a use in progress. It is only cancelled, under the lock,
    /// while registered; a use removes itself, under the same lock, before
    /// its task can finish. So the task is alive whenever it is touched,
    /// which is what makes holding it outside `withUnsafeCurrentTask` sound.
    private struct Use: @unchecked Sendable {
        let task: UnsafeCurrentTask
        let deadline: ContinuousClock.Instant
    }

    private let uses = Mutex<(next: Int, live: [Int: Use])>((0, [:]))

    /// Runs `body`, cancelled if it is still running at `deadline`, `timeout`
    /// after it started; then throws `Unavailable`.
    func bounded<T>(until deadline: ContinuousClock.Instant, timeout: Duration, _ body: () async throws -> T) async throws -> T {
        let id = withUnsafeCurrentTask { task -> Int? in
            guard let task else { return nil }
            return uses.withLock { uses in
                uses.next += 1
                uses.live[uses.next] = Use(task: task, deadline: deadline)
                return uses.next
            }
        }
        defer { if let id { uses.withLock { _ = $0.live.removeValue(forKey: id) } } }
        do {
            return try await body()
        } catch {
            if ContinuousClock.now >= deadline { throw Unavailable(reason: "no answer within \(timeout)") }
            throw error
        }
    }

    /// The watchdog: reaps every 100 ms until cancelled.
    func watch() -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                reap()
            }
        }
    }

    /// Cancels every use past its deadline (each once).
    func reap() {
        let now = ContinuousClock.now
        uses.withLock { uses in
            for (id, use) in uses.live where use.deadline <= now {
                use.task.cancel()
                uses.live[id] = nil
            }
        }
    }
}
