#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`). Shells and service
/// managers commonly start processes with a soft limit of 1024 under a far
/// higher hard limit; a server may raise its own soft limit up to the hard
/// one, and Strata does so at start-up.
enum OpenFilesLimit {
    /// The soft limit before and after raising it.
    struct Outcome {
        let before: Int
        let after: Int
    }

    /// Linux refuses a soft limit above `fs.nr_open` (1,048,576 unless
    /// changed), so an unlimited hard limit is approached from there.
    static let unlimitedTarget: rlim_t = 1 << 20

    /// RLIM_INFINITY, which Swift does not import from the C macro.
    #if canImport(Glibc)
    private static let infinity = rlim_t.max
    #else
    private static let infinity: rlim_t = (1 << 63) - 1
    #endif

    /// Raises the soft limit to the hard limit; keeps it if that fails.
    static func raise() -> Outcome {
        var limits = rlimit()
        guard get(&limits) else { return Outcome(before: 1024, after: 1024) }
        let before = limits.rlim_cur
        var target = limits.rlim_max == infinity ? max(before, unlimitedTarget) : limits.rlim_max
        #if canImport(Darwin)
        // macOS refuses more than OPEN_MAX per process.
        target = min(target, rlim_t(OPEN_MAX))
        #endif
        if target > before {
            var raised = limits
            raised.rlim_cur = target
            if set(&raised) {
                limits = raised
            }
        }
        return Outcome(before: count(before), after: count(limits.rlim_cur))
    }

    private static func count(_ value: rlim_t) -> Int {
        value == infinity || value > rlim_t(Int.max) ? Int.max : Int(value)
    }

    private static func get(_ limits: inout rlimit) -> Bool {
        #if canImport(Glibc)
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0
        #else
        getrlimit(RLIMIT_NOFILE, &limits) == 0
        #endif
    }

    private static func set(_ limits: inout rlimit) -> Bool {
        #if canImport(Glibc)
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0
        #else
        setrlimit(RLIMIT_NOFILE, &limits) == 0
        #endif
    }
}
