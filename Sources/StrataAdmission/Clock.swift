#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on a monotonic clock. Injected so that buckets can be tested
/// without waiting.
public protocol AdmissionClock: Sendable {
    func now() -> Double
}

public struct MonotonicClock: AdmissionClock {
    public init() {}

    public func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
