/// How long the put statements take to come back, against the fastest
/// of late: whether the database is queueing work. A statement that takes
/// more than twice the fastest one waited for the database (or for this
/// machine's cores); fewer statements then relieve it. One that comes
/// back about as fast as the fastest only crossed the network, and
/// waiting for it would add its round trip to every put for nothing.
/// (TCP Vegas compares the same two times to tell a queue from a long path.)
struct RoundTrips {
    /// The fastest is the fastest seen in this window or the one before,
    /// so that a path that got longer is learned within two windows.
    static let window: Duration = .seconds(10)

    private var smoothed: Duration?
    private var fastest: Duration?
    private var fastestBefore: Duration?
    private var windowStart: ContinuousClock.Instant?

    /// Whether the statements of late took more than twice the fastest.
    var queueing: Bool {
        guard let smoothed, let fastest else { return false }
        return smoothed > min(fastest, fastestBefore ?? fastest) * 2
    }

    /// A statement that took `duration`, seen at `now`.
    mutating func record(_ duration: Duration, at now: ContinuousClock.Instant) {
        if let start = windowStart, now - start < Self.window {
            fastest = min(fastest ?? duration, duration)
        } else {
            fastestBefore = fastest
            fastest = duration
            windowStart = now
        }
        // An average over about the last eight.
        smoothed = smoothed.map { $0 + (duration - $0) / 8 } ?? duration
    }
}
