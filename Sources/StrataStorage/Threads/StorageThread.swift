#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataThreads

/// The storage executor's threads: detached OS threads, with a lower
/// priority for the bulk ones, each knowing its executor.
enum StorageThread {
    static func start(name: String, _ run: @escaping @Sendable () -> Void) {
        DetachedThread.start(name: name, run)
    }

    /// Raises the calling thread's nice value to `niceness` if it is
    /// lower. Never lowers it: only a privileged process could, and the
    /// threads should rank the same with privileges or without. Linux
    /// keeps the value per thread, and `who` 0 names the calling thread
    /// there; elsewhere this would change the whole process, so it does
    /// nothing.
    static func raiseNiceness(to niceness: Int32) {
        #if os(Linux)
        if niceness > currentNiceness() {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        }
        #endif
    }

    /// The calling thread's nice value (0 where it is not kept per thread).
    static func currentNiceness() -> Int32 {
        #if os(Linux)
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }

    /// Each storage thread's executor, so that code can tell cheaply
    /// whether it already runs where a read belongs.
    private static let executorKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-local key for storage threads")
        return key
    }()

    /// Marks the calling thread as one of `executor`'s, for its lifetime
    /// (the thread's closure holds the executor).
    static func setExecutor(_ executor: StorageExecutor) {
        pthread_setspecific(executorKey, Unmanaged.passUnretained(executor).toOpaque())
    }

    /// Whether the calling thread is one of `executor`'s.
    static func belongs(to executor: StorageExecutor) -> Bool {
        pthread_getspecific(executorKey) == Unmanaged.passUnretained(executor).toOpaque()
    }

    /// The nice value the calling thread's executor gives its threads;
    /// nil on a thread that is no storage executor's.
    static var executorNiceness: Int32? {
        pthread_getspecific(executorKey).map { Unmanaged<StorageExecutor>.fromOpaque($0).takeUnretainedValue().niceness }
    }
}
