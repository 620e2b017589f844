import Synchronization

/// Threads that run tasks and, between them, wait in epoll for the
/// database's answers (SE-0417 task executor). A task that sent a
/// statement suspends; the answer wakes the loop watching its connection,
/// which resumes the task right there. Under load one wake-up serves many
/// answers, and no thread blocks on any one connection.
public final class DatabaseExecutor: TaskExecutor {
    private let loops: [DatabaseLoop]
    private let nextLoop = Atomic<Int>(0)

    public init(threads: Int) {
        precondition(threads > 0, "a database executor needs a thread")
        loops = (0..<threads).map { _ in DatabaseLoop() }
        for loop in loops { loop.start(executor: self) }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // A job a loop makes (a task it resumed) stays on that loop.
        if let current = DatabaseLoop.current, loops.contains(where: { $0 === current }) {
            current.enqueue(job)
            return
        }
        loops[next()].enqueue(job)
    }

    /// The loop that watches a new connection's socket.
    func loopForNewConnection() -> DatabaseLoop {
        loops[next()]
    }

    private func next() -> Int {
        nextLoop.add(1, ordering: .relaxed).oldValue % loops.count
    }

    /// Ends the loops once their queued jobs have run.
    public func shutdown() {
        for loop in loops { loop.stop() }
    }
}
