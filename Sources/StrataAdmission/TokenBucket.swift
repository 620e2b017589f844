/// A token bucket: `rate` tokens a second flow in, up to `capacity`.
///
/// A request is admitted while the bucket is not empty and pays what it
/// actually cost afterwards, which may take the bucket below zero; later
/// requests then wait for the refill. That is how DynamoDB can admit a
/// request before it knows the item's size. Pure value: time is passed in.
public struct TokenBucket: Sendable, Equatable {
    public private(set) var rate: Double
    public private(set) var capacity: Double
    public private(set) var tokens: Double
    private var updatedAt: Double

    /// A bucket that starts full.
    public init(rate: Double, capacity: Double, now: Double) {
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updatedAt = now
    }

    private mutating func refill(now: Double) {
        if now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * rate)
        }
        updatedAt = max(updatedAt, now)
    }

    /// Whether a request may start now: the bucket is not empty.
    public mutating func hasTokens(now: Double) -> Bool {
        refill(now: now)
        return tokens > 0
    }

    /// Takes what a request cost.
    public mutating func consume(_ amount: Double, now: Double) {
        refill(now: now)
        tokens -= amount
    }

    /// Gives back tokens taken for a request that did not run.
    public mutating func refund(_ amount: Double, now: Double) {
        refill(now: now)
        tokens = min(capacity, tokens + amount)
    }

    /// Whether the bucket has refilled completely: such a bucket behaves as
    /// a new one, so it can be forgotten.
    public mutating func isFull(now: Double) -> Bool {
        refill(now: now)
        return tokens >= capacity
    }

    /// A new rate and capacity, effective at once; unused tokens carry over.
    public mutating func reconfigure(rate: Double, capacity: Double, now: Double) {
        refill(now: now)
        self.rate = rate
        self.capacity = capacity
        tokens = min(tokens, capacity)
    }
}
