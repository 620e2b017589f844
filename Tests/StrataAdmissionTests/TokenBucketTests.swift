import StrataAdmission
import Testing

@Suite struct TokenBucketTests {
    @Test func startsFullAndRefillsAtItsRate() {
        var bucket = TokenBucket(rate: 10, capacity: 3000, now: 0)
        #expect(bucket.tokens == 3000)
        bucket.consume(3000, now: 0)
        let emptyAtFirst = bucket.hasTokens(now: 0)
        let refilledLater = bucket.hasTokens(now: 0.2)
        #expect(!emptyAtFirst)
        #expect(refilledLater)
        #expect(bucket.tokens == 2)
    }

    @Test func neverHoldsMoreThanItsCapacity() {
        var bucket = TokenBucket(rate: 10, capacity: 100, now: 0)
        bucket.consume(50, now: 0)
        _ = bucket.hasTokens(now: 1_000)
        #expect(bucket.tokens == 100)
        let full = bucket.isFull(now: 1_000)
        #expect(full)
    }

    @Test func aRequestMayOverdrawAndLaterOnesWait() {
        var bucket = TokenBucket(rate: 1, capacity: 1, now: 0)
        let admittedFirst = bucket.hasTokens(now: 0)
        bucket.consume(5, now: 0)
        #expect(admittedFirst)
        #expect(bucket.tokens == -4)
        let afterFour = bucket.hasTokens(now: 4)
        let afterFourAndAHalf = bucket.hasTokens(now: 4.5)
        #expect(!afterFour)
        #expect(afterFourAndAHalf)
    }

    @Test func reconfigurationTakesEffectAtOnceAndKeepsUnusedTokens() {
        var bucket = TokenBucket(rate: 10, capacity: 3000, now: 0)
        bucket.consume(2990, now: 0)
        bucket.reconfigure(rate: 100, capacity: 30_000, now: 0)
        _ = bucket.hasTokens(now: 1)
        #expect(bucket.tokens == 110)
        bucket.reconfigure(rate: 1, capacity: 50, now: 1)
        #expect(bucket.tokens == 50)
    }

    @Test func clockGoingBackwardsAddsNothing() {
        var bucket = TokenBucket(rate: 10, capacity: 100, now: 10)
        bucket.consume(100, now: 10)
        let earlier = bucket.hasTokens(now: 5)
        #expect(!earlier)
        #expect(bucket.tokens == 0)
    }
}
