#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A detached OS thread running one closure: the storage executor's
/// threads, which Swift's cooperative pool and Dispatch know nothing of.
enum StorageThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) {
        let body = Unmanaged.passRetained(Body(run)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, &attributes, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, body)
        precondition(result == 0, "could not start a storage thread: \(result)")
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
