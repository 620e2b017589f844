#if canImport(Glibc)
import CLinux
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OS thread of its own for one closure, which Swift's cooperative pool
/// and Dispatch know nothing of: the storage executors' threads, the
/// database loops, and connecting to a database (which blocks until it
/// answers or the deadline).
public enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `run` on a new thread named `name` (at most 15 bytes on
    /// Linux), which `top -H` and `perf` show: a thread otherwise takes
    /// the name of the thread that started it.
    public static func start(name: String, _ run: @escaping @Sendable () -> Void) {
        let body = Unmanaged.passRetained(Body {
            #if canImport(Glibc)
            _ = strata_name_calling_thread(name)
            #endif
            run()
        }).toOpaque()
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
        precondition(result == 0, "could not start a thread: \(result)")
    }

    /// Runs blocking `body` on a thread of its own and waits, suspended, for it.
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start(name: name) { continuation.resume(with: Result { try body() }) }
        }
    }
}
