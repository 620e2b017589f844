/// Exact addition and subtraction, as UpdateExpression's `+`, `-` and ADD
/// need them. The result must itself be a storable number, so the failures
/// are overflow (including a result that needs more than 38 digits, as
/// DynamoDB reports it) and underflow, with DynamoDB's messages.
extension DynamoNumber {
    public func adding(_ other: DynamoNumber) throws(ParseError) -> DynamoNumber {
        if other.isZero { return self }
        if isZero { return other }
        // Line both numbers up on the position of the lowest digit either has:
        // value = coefficient × 10^scale.
        let scale = Swift.min(exponent - digits.count, other.exponent - other.digits.count)
        let lhs = coefficient(scale: scale)
        let rhs = other.coefficient(scale: scale)
        let magnitude: [UInt8]
        let negative: Bool
        if isNegative == other.isNegative {
            magnitude = Self.addMagnitudes(lhs, rhs)
            negative = isNegative
        } else if Self.compareMagnitudes(lhs, rhs) >= 0 {
            magnitude = Self.subtractMagnitudes(lhs, rhs)
            negative = isNegative
        } else {
            magnitude = Self.subtractMagnitudes(rhs, lhs)
            negative = other.isNegative
        }
        return try Self.normalized(negative: negative, coefficient: magnitude, scale: scale)
    }

    public func subtracting(_ other: DynamoNumber) throws(ParseError) -> DynamoNumber {
        try adding(other.negated)
    }

    public var negated: DynamoNumber {
        DynamoNumber(isNegative: !isNegative, digits: digits, exponent: exponent)
    }

    /// The digits padded with zeros so that the last one stands for 10^scale.
    private func coefficient(scale: Int) -> [UInt8] {
        digits + repeatElement(0, count: exponent - digits.count - scale)
    }

    /// Compares two most-significant-first digit strings as integers.
    private static func compareMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let a = a.drop { $0 == 0 }, b = b.drop { $0 == 0 }
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    private static func addMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(Swift.max(a.count, b.count) + 1)
        var i = a.count - 1, j = b.count - 1
        var carry: UInt8 = 0
        while i >= 0 || j >= 0 || carry > 0 {
            var sum = carry
            if i >= 0 { sum += a[i]; i -= 1 }
            if j >= 0 { sum += b[j]; j -= 1 }
            result.append(sum % 10)
            carry = sum / 10
        }
        return result.reversed()
    }

    /// `a - b` where `a >= b`.
    private static func subtractMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(a.count)
        var j = b.count - 1
        var borrow: Int = 0
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            var difference = Int(a[i]) - borrow
            if j >= 0 { difference -= Int(b[j]); j -= 1 }
            borrow = difference < 0 ? 1 : 0
            result.append(UInt8(difference + borrow * 10))
        }
        return result.reversed()
    }

    private static func normalized(negative: Bool, coefficient: [UInt8], scale: Int) throws(ParseError) -> DynamoNumber {
        let leading = coefficient.prefix { $0 == 0 }.count
        guard leading < coefficient.count else { return .zero }
        var significant = Array(coefficient[leading...])
        let exponent = significant.count + scale
        while significant.last == 0 { significant.removeLast() }
        guard exponent <= exponentRange.upperBound else { throw .overflow }
        guard exponent >= exponentRange.lowerBound else { throw .underflow }
        // DynamoDB reports an inexact sum as an overflow, not as too many digits.
        guard significant.count <= maximumSignificantDigits else { throw .overflow }
        return DynamoNumber(isNegative: negative, digits: significant, exponent: exponent)
    }
}
