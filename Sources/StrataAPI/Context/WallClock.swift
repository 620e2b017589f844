#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time of day, in seconds since 1970: what DynamoDB stamps on tables
/// (creation, throughput changes). Injected so that tests can fix it.
public protocol WallClock: Sendable {
    func now() -> Double
}

/// The system's clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
    }
}
