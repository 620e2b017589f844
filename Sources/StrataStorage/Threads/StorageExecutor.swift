import Dispatch
import StrataThreads
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The storage engine's own threads, as a task executor (SE-0417). Blocking
/// SQLite work runs here, inside `withTaskExecutorPreference`, so that it
/// never holds one of the few threads of Swift's cooperative pool (two on
/// two cores). The first thread starts with the executor, the others when
/// jobs find every thread busy, up to `maximumThreads`; idle ones stay
/// parked until the executor retires.
package final class StorageExecutor: TaskExecutor {
    private struct State {
        var jobs = JobQueue()
        /// The first starts with the executor (see `init`).
        var threads = 1
        /// Parked threads that no enqueue has woken yet.
        var parked = 0
        var peakThreads = 1
        /// Idle threads exit instead of parking; new jobs still find a thread.
        var retiring = false
        /// A thread to start, left to one of this executor's own threads
        /// (see `enqueue`).
        var startWanted = false
    }

    private enum Next {
        case startThread
        case run(UnownedJob)
        case park
        case exit
    }

    /// Its threads' name, as `top -H` shows them.
    let name: String
    let maximumThreads: Int
    /// Each thread's nice value: above zero, the OS prefers other threads.
    let niceness: Int32
    private let state = Mutex(State())
    /// One signal per parked thread an enqueue woke.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let enqueuedJobs = Atomic<Int>(0)

    /// Starts the first thread at once, from the calling thread (the
    /// engine's creator), so that the rule in `enqueue` always has one of
    /// ours to leave a start to.
    init(name: String, maximumThreads: Int, niceness: Int32 = 0) {
        precondition(maximumThreads > 0, "a storage executor needs a thread")
        self.name = name
        self.maximumThreads = maximumThreads
        self.niceness = niceness
        startThread()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        enqueuedJobs.add(1, ordering: .relaxed)
        let job = UnownedJob(job)
        let (wake, start) = state.withLock { state -> (Bool, Bool) in
            state.jobs.append(job)
            if state.parked > 0 {
                state.parked -= 1
                return (true, false)
            }
            guard state.threads < maximumThreads else { return (false, false) }
            // A thread starts with the nice value of the thread that started
            // it, and cannot take a lower one back without privileges. A
            // request thread started by a bulk thread (nice 19) served
            // GetItems at nice 19 for good: a third of GetItem's throughput,
            // and p99 beside full scans 8-9 ms against 5 ms
            // (Benchmarks/starvation). So a thread of lower priority than
            // ours leaves the start to one of our threads.
            if let callerNiceness = StorageThread.executorNiceness, callerNiceness > niceness {
                state.startWanted = true
                return (false, false)
            }
            state.threads += 1
            state.peakThreads = max(state.peakThreads, state.threads)
            return (false, true)
        }
        if wake { wakeUp.signal() }
        if start { startThread() }
    }

    private func startThread() {
        DetachedThread.start(name: name) { [self] in work() }
    }

    private func work() {
        ThreadPriority.giveWay(niceness: niceness)
        StorageThread.setExecutor(self)
        let unownedSelf = asUnownedTaskExecutor()
        while true {
            let next = state.withLock { state -> Next in
                if state.startWanted {
                    state.startWanted = false
                    if state.threads < maximumThreads {
                        state.threads += 1
                        state.peakThreads = max(state.peakThreads, state.threads)
                        return .startThread
                    }
                }
                if let job = state.jobs.popFirst() { return .run(job) }
                if state.retiring {
                    state.threads -= 1
                    return .exit
                }
                state.parked += 1
                return .park
            }
            switch next {
            case .startThread: startThread()
            case .run(let job): job.runSynchronously(on: unownedSelf)
            case .park: wakeUp.wait()
            case .exit: return
            }
        }
    }

    /// Lets idle threads exit; jobs enqueued later still run (on a new
    /// thread if need be), so nothing waiting on this executor is stranded.
    func retire() {
        let parked = state.withLock { state -> Int in
            state.retiring = true
            defer { state.parked = 0 }
            return state.parked
        }
        for _ in 0..<parked { wakeUp.signal() }
    }

    /// Lets the calling thread (one of the HTTP front's event loops) count
    /// as one of this executor's for reads, for its lifetime: a request
    /// task running there reads without moving here. Jobs enqueued here
    /// still run on this executor's own threads.
    package func adoptCallingThread() {
        StorageThread.setExecutor(self)
    }

    /// Whether the calling thread is one of this executor's, or adopted.
    var isCurrentThreadOwned: Bool {
        StorageThread.belongs(to: self)
    }

    /// The most threads that ever ran at once.
    var peakThreadCount: Int {
        state.withLock { $0.peakThreads }
    }

    /// Jobs handed to this executor so far: each is a task switching onto it.
    var enqueuedJobCount: Int {
        enqueuedJobs.load(ordering: .relaxed)
    }
}

/// Jobs first in, first out, without moving the array on each removal.
private struct JobQueue {
    private var jobs: [UnownedJob] = []
    private var head = 0

    mutating func append(_ job: UnownedJob) {
        jobs.append(job)
    }

    mutating func popFirst() -> UnownedJob? {
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}
