#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
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
        Date().timeIntervalSince1970
    }
}
