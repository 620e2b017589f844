import Testing
@testable import StrataPostgres

/// When puts wait for each other: statements that take more than twice
/// the fastest of late mean a queue. Instants are made up; no database.
struct RoundTripsTests {
    let start = ContinuousClock.now

    func recording(_ samples: [(microseconds: Int, at: Duration)]) -> RoundTrips {
        var roundTrips = RoundTrips()
        for sample in samples { roundTrips.record(.microseconds(sample.microseconds), at: start + sample.at) }
        return roundTrips
    }

    @Test func nothingSeenIsNoQueue() {
        #expect(!RoundTrips().queueing)
    }

    @Test func aLongPathThatAnswersSteadilyIsNoQueue() {
        let steady = recording((0..<50).map { (500 + $0 % 3 * 50, .milliseconds($0)) })
        #expect(!steady.queueing)
    }

    @Test func statementsSlowerThanTwiceTheFastestAreAQueue() {
        var samples: [(microseconds: Int, at: Duration)] = [(100, .zero)]
        samples += (1..<30).map { (350, .milliseconds($0)) }
        #expect(recording(samples).queueing)
        // Back near the fastest: the average follows within a few statements.
        samples += (30..<60).map { (120, .milliseconds($0)) }
        #expect(!recording(samples).queueing)
    }

    /// A fastest time from a path since made longer is forgotten after two
    /// windows: the longer path is then the measure.
    @Test func theFastestIsForgottenAfterTwoWindows() {
        let step = RoundTrips.window / 20
        // 100 µs once, then 400 µs for one and a half windows: still measured against the 100.
        var samples: [(microseconds: Int, at: Duration)] = [(100, .zero)]
        samples += (1...30).map { (400, step * $0) }
        #expect(recording(samples).queueing)
        // Into the third window: the fastest is now 400.
        samples += (40...45).map { (400, step * $0) }
        #expect(!recording(samples).queueing)
    }
}
