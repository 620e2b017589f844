/// Time to live: an item expires at the epoch second its TTL attribute
/// holds, if that is a Number. Any other type, or no attribute, never
/// expires.
public enum ItemExpiry {
    /// The whole epoch second at which `item` expires, or nil.
    public static func seconds(of item: Item, attribute: String) -> Int? {
        guard case .n(let number)? = item[attribute] else { return nil }
        return number.wholePart
    }

    /// DynamoDB leaves alone items whose expiry lies more than five years
    /// in the past (a value in milliseconds, say, read as seconds).
    public static let ignoredAfter = 5 * 365 * 24 * 3600

    /// Whether an item expiring at `seconds` is due for deletion at `now`.
    public static func isDue(_ seconds: Int, now: Double) -> Bool {
        Double(seconds) <= now && Double(seconds) >= now - Double(ignoredAfter)
    }
}

extension DynamoNumber {
    /// The number without its fraction, if that fits an `Int`.
    public var wholePart: Int? {
        if digits.isEmpty || exponent <= 0 { return 0 }
        guard exponent <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for position in 0..<exponent {
            let digit = position < digits.count ? UInt64(digits[position]) : 0
            let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = shifted + digit
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return isNegative ? -Int(magnitude) : Int(magnitude)
    }
}
