#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataThreads

/// The storage executor's threads: detached OS threads, with a lower
/// priority for the bulk ones, each knowing its executor.
enum StorageThread {
    static func start(_ run: @escaping @Sendable () -> Void) {
        DetachedThread.start(run)
    }

    /// Lowers the calling thread's scheduling priority. Linux keeps the
    /// nice value per thread, and `who` 0 names the calling thread there;
    /// elsewhere this would lower the whole process, so it does nothing.
    static func lowerPriority(by niceness: Int32) {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    /// Each storage thread's executor, so that code can tell cheaply
    /// whether it already runs where a read belongs.
    private static let executorKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-local key for storage threads")
        return key
    }()

    /// Marks the calling thread as one of `executor`'s, for its lifetime.
    static func setExecutor(_ executor: AnyObject) {
        pthread_setspecific(executorKey, Unmanaged.passUnretained(executor).toOpaque())
    }

    /// Whether the calling thread is one of `executor`'s.
    static func belongs(to executor: AnyObject) -> Bool {
        pthread_getspecific(executorKey) == Unmanaged.passUnretained(executor).toOpaque()
    }
}
