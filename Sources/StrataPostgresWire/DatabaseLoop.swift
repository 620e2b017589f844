import CLinux
import Glibc
import StrataThreads
import Synchronization

/// One thread of a `DatabaseExecutor`: it runs queued jobs, and when there
/// are none it waits in epoll for its connections' sockets (edge-triggered)
/// and its wake-up eventfd. A connection waiting for an answer registers a
/// continuation; the loop resumes it when the socket has bytes, or with
/// `timedOut` at its deadline.
final class DatabaseLoop: @unchecked Sendable {
    private let epoll: Int32
    private let wakeUp: Int32
    private let state = Mutex(State())
    /// The loop this thread runs, if any.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-local key for database loops")
        return key
    }()

    private struct State {
        var jobs: [UnownedJob] = []
        /// The loop is in (or about to enter) epoll_wait: an enqueue must wake it.
        var sleeping = false
        var stopping = false
        /// The thread has ended: jobs still enqueued run on threads of their own.
        var ended = false
        var waiters: [Int32: Waiter] = [:]
        /// Sockets that became readable while nobody waited on them.
        var ready: Set<Int32> = []
    }

    private struct Waiter {
        let continuation: CheckedContinuation<Void, any Error>
        let deadline: ContinuousClock.Instant
    }

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeUp = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(epoll >= 0 && wakeUp >= 0, "no epoll for a database loop: \(errno)")
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeUp))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeUp, &event)
    }

    static var current: DatabaseLoop? {
        pthread_getspecific(key).map { Unmanaged<DatabaseLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    private weak var executor: DatabaseExecutor?

    func start(executor: DatabaseExecutor) {
        self.executor = executor
        DetachedThread.start(name: "strata-database") { [self] in
            pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
            run(executor.asUnownedTaskExecutor())
        }
    }

    func enqueue(_ job: UnownedJob) {
        let (wake, ended) = state.withLock { state in
            if state.ended { return (false, true) }
            state.jobs.append(job)
            defer { state.sleeping = false }
            return (state.sleeping, false)
        }
        if ended, let executor {
            // A straggler after shutdown still runs, rather than hang its task.
            DetachedThread.start(name: "strata-straggler") { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
        }
        if wake { signal() }
    }

    func stop() {
        state.withLock { $0.stopping = true }
        signal()
    }

    /// Watches `fd` from now on (edge-triggered: each arrival of bytes once).
    func watch(_ fd: Int32) {
        var event = epoll_event(events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue, data: epoll_data_t(fd: fd))
        // Under the lock: once the loop has ended, its epoll descriptor is closed.
        state.withLock { state in
            if !state.ended { epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) }
        }
    }

    /// Stops watching `fd` (before it is closed).
    func unwatch(_ fd: Int32) {
        let waiter = state.withLock { state in
            if !state.ended { epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nil) }
            state.ready.remove(fd)
            return state.waiters.removeValue(forKey: fd)
        }
        waiter?.continuation.resume(throwing: WireError.connectionLost("the connection is closed"))
    }

    /// Suspends until `fd` has bytes to read (perhaps already read by an
    /// earlier wait: the caller reads until it would block), or throws
    /// `timedOut` at `deadline`.
    func waitReadable(_ fd: Int32, deadline: ContinuousClock.Instant) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let now = state.withLock { state -> Bool in
                if state.ready.remove(fd) != nil { return true }
                state.waiters[fd] = Waiter(continuation: continuation, deadline: deadline)
                return false
            }
            if now {
                continuation.resume()
            } else if DatabaseLoop.current !== self {
                // The loop may be asleep with a timeout set before this deadline existed.
                signal()
            }
        }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeUp, &one, 8)
    }

    private func run(_ executor: UnownedTaskExecutor) {
        var batch: [UnownedJob] = []
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        // Resumed outside the lock, since resuming enqueues on this loop.
        var resumed: [CheckedContinuation<Void, any Error>] = []
        var expired: [CheckedContinuation<Void, any Error>] = []
        while true {
            let (timeout, stopping) = state.withLock { state -> (Int32, Bool) in
                swap(&batch, &state.jobs)
                if !batch.isEmpty { return (0, false) }
                if state.stopping, state.waiters.isEmpty {
                    state.ended = true
                    return (0, true)
                }
                state.sleeping = true
                return (Self.milliseconds(until: state.waiters.values.lazy.map(\.deadline).min()), false)
            }
            if stopping {
                Glibc.close(epoll)
                Glibc.close(wakeUp)
                return
            }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            var wokenUp = false
            state.withLock { state in
                state.sleeping = false
                for event in events.prefix(max(0, Int(count))) {
                    let fd = event.data.fd
                    if fd == wakeUp {
                        wokenUp = true
                        continue
                    }
                    if let waiter = state.waiters.removeValue(forKey: fd) {
                        resumed.append(waiter.continuation)
                    } else {
                        state.ready.insert(fd)
                    }
                }
                if !state.waiters.isEmpty {
                    let now = ContinuousClock.now
                    for (fd, waiter) in state.waiters where waiter.deadline <= now {
                        state.waiters[fd] = nil
                        expired.append(waiter.continuation)
                    }
                }
            }
            if wokenUp {
                var drained: UInt64 = 0
                _ = Glibc.read(wakeUp, &drained, 8)
            }
            for continuation in resumed { continuation.resume() }
            for continuation in expired { continuation.resume(throwing: WireError.timedOut) }
            resumed.removeAll(keepingCapacity: true)
            expired.removeAll(keepingCapacity: true)
        }
    }

    /// epoll's timeout for the earliest deadline: -1 for none; at most a
    /// second, rounded up so that the deadline has passed when it ends.
    private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        return Int32(min(1000, seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1))
    }
}
