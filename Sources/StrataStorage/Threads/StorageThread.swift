#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a storage executor's thread knows: its executor.
enum StorageThread {
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
