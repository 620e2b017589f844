/// A table's point-in-time recovery while it is on: since when, and how
/// many days back a restore may reach.
public struct PointInTimeRecovery: Sendable, Equatable {
    /// Seconds since 1970 when it was turned on: nothing before is restorable.
    public var enabledAt: Double
    /// 1 to 35.
    public var periodDays: Int

    public static let defaultPeriodDays = 35
    public static let periodDays = 1...35

    public init(enabledAt: Double, periodDays: Int) {
        self.enabledAt = enabledAt
        self.periodDays = periodDays
    }

    /// The earliest second a restore may ask for, at `now`.
    public func earliestRestorable(now: Double) -> Double {
        max(enabledAt, now - Double(periodDays) * 86_400)
    }
}
