import NIOCore
import Testing
@testable import StrataServer

@Suite struct ConnectionDeadlinesTests {
    private static let timeouts = ConnectionDeadlines.Timeouts(
        header: .seconds(10), minimumBodyRate: 1000, bodyRateWindow: .seconds(5), idle: .seconds(75), write: .seconds(30))
    private static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private static func at(_ seconds: Double) -> NIODeadline {
        start + .nanoseconds(Int64(seconds * 1e9))
    }

    @Test func anIdleConnectionExpiresAfterTheIdleTimeout() {
        var deadlines = ConnectionDeadlines(timeouts: Self.timeouts, now: Self.at(0))
        #expect(deadlines.expiry(at: Self.at(74.9)) == nil)
        #expect(deadlines.expiry(at: Self.at(75)) == .idle)
    }

    @Test func theHeaderTimeoutRunsFromTheFirstByteOfARequest() {
        var deadlines = ConnectionDeadlines(timeouts: Self.timeouts, now: Self.at(0))
        #expect(deadlines.nextDeadline == Self.at(75))
        deadlines.bytesArrived(at: Self.at(50))
        deadlines.bytesArrived(at: Self.at(55))
        #expect(deadlines.nextDeadline == Self.at(60))
        #expect(deadlines.expiry(at: Self.at(59.9)) == nil)
        #expect(deadlines.expiry(at: Self.at(60)) == .header)
    }

    @Test func aBodyBelowTheMinimumRateOverAWindowExpires() {
        var deadlines = ConnectionDeadlines(timeouts: Self.timeouts, now: Self.at(0))
        deadlines.bytesArrived(at: Self.at(0))
        deadlines.headArrived(at: Self.at(0))
        deadlines.bodyArrived(bytes: 6000)
        #expect(deadlines.expiry(at: Self.at(4)) == nil)
        // 6,000 bytes in 5 s keeps the rate; the next window starts empty.
        #expect(deadlines.expiry(at: Self.at(5)) == nil)
        deadlines.bodyArrived(bytes: 4999)
        #expect(deadlines.expiry(at: Self.at(10)) == .slowBody)
    }

    @Test func anAnsweredRequestStartsTheIdleWaitAgainAndAnsweringHasNoReadDeadline() {
        var deadlines = ConnectionDeadlines(timeouts: Self.timeouts, now: Self.at(0))
        deadlines.bytesArrived(at: Self.at(1))
        deadlines.headArrived(at: Self.at(1))
        deadlines.requestEnded()
        #expect(deadlines.expiry(at: Self.at(500)) == nil)
        deadlines.answered(at: Self.at(500))
        #expect(deadlines.expiry(at: Self.at(574)) == nil)
        #expect(deadlines.expiry(at: Self.at(575)) == .idle)
    }

    @Test func anAnswerLeftUnreadExpiresAfterTheWriteTimeout() {
        var deadlines = ConnectionDeadlines(timeouts: Self.timeouts, now: Self.at(0))
        deadlines.writabilityChanged(isWritable: false, at: Self.at(10))
        deadlines.writabilityChanged(isWritable: false, at: Self.at(20))
        #expect(deadlines.expiry(at: Self.at(39)) == nil)
        #expect(deadlines.expiry(at: Self.at(40)) == .unreadAnswer)
        deadlines.writabilityChanged(isWritable: true, at: Self.at(41))
        #expect(deadlines.expiry(at: Self.at(42)) == nil)
    }
}
