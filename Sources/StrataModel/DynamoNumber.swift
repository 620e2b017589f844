/// An exact decimal with DynamoDB's limits: at most 38 significant digits
/// and a magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125.
/// Never converted through `Double`.
///
/// The value is `0.d1d2...dn × 10^exponent`, with no leading or trailing
/// zero digit; zero has no digits.
public struct DynamoNumber: Sendable, Hashable {
    public let isNegative: Bool
    /// Significant digits, each 0...9.
    public let digits: [UInt8]
    public let exponent: Int

    public static let maximumSignificantDigits = 38
    /// Exponent bounds in the `0.ddd × 10^e` form.
    public static let exponentRange = -129...126

    public static let zero = DynamoNumber(isNegative: false, digits: [], exponent: 0)

    public var isZero: Bool { digits.isEmpty }

    init(isNegative: Bool, digits: [UInt8], exponent: Int) {
        self.isNegative = digits.isEmpty ? false : isNegative
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
    }

    public enum ParseError: Error, Sendable, Equatable {
        case notANumber
        case tooManyDigits
        case overflow
        case underflow

        /// DynamoDB's message for the failure to parse `input`.
        public func message(input: String) -> String {
            switch self {
            case .notANumber: input.isEmpty
                ? "The parameter cannot be converted to a numeric value"
                : "The parameter cannot be converted to a numeric value: \(input)"
            case .tooManyDigits: "Attempting to store more than 38 significant digits in a Number"
            case .overflow: "Number overflow. Attempting to store a number with magnitude larger than supported range"
            case .underflow: "Number underflow. Attempting to store a number with magnitude smaller than supported range"
            }
        }
    }

    /// Parses DynamoDB's number syntax: an optional sign, digits with an
    /// optional decimal point, and an optional exponent.
    public init(parsing text: String) throws(ParseError) {
        var utf8 = Array(text.utf8)[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var mantissa: [UInt8] = []
        var pointPosition: Int?
        var sawDigit = false
        while let byte = utf8.first {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                mantissa.append(byte - UInt8(ascii: "0"))
                sawDigit = true
            } else if byte == UInt8(ascii: "."), pointPosition == nil {
                pointPosition = mantissa.count
            } else {
                break
            }
            utf8 = utf8.dropFirst()
        }
        guard sawDigit else { throw .notANumber }
        var exponentValue = 0
        if let byte = utf8.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            utf8 = utf8.dropFirst()
            var exponentNegative = false
            if let sign = utf8.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                exponentNegative = sign == UInt8(ascii: "-")
                utf8 = utf8.dropFirst()
            }
            guard !utf8.isEmpty else { throw .notANumber }
            for byte in utf8 {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { throw .notANumber }
                // Saturate: anything this large is out of range anyway.
                exponentValue = min(exponentValue * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000)
            }
            if exponentNegative { exponentValue = -exponentValue }
            utf8 = utf8[utf8.endIndex...]
        }
        guard utf8.isEmpty else { throw .notANumber }

        // value = 0.mantissa × 10^(integerDigits + exponentValue)
        var exponent = (pointPosition ?? mantissa.count) + exponentValue
        var start = 0
        while start < mantissa.count, mantissa[start] == 0 {
            start += 1
            exponent -= 1
        }
        var end = mantissa.count
        while end > start, mantissa[end - 1] == 0 { end -= 1 }
        let significant = Array(mantissa[start..<end])
        if significant.isEmpty {
            self = .zero
            return
        }
        guard significant.count <= Self.maximumSignificantDigits else { throw .tooManyDigits }
        guard exponent <= Self.exponentRange.upperBound else { throw .overflow }
        guard exponent >= Self.exponentRange.lowerBound else { throw .underflow }
        self.init(isNegative: negative, digits: significant, exponent: exponent)
    }

    /// Makes a number from an integer; always in range.
    public init(_ value: Int) {
        var magnitude = value.magnitude
        var reversed: [UInt8] = []
        while magnitude > 0 {
            reversed.append(UInt8(magnitude % 10))
            magnitude /= 10
        }
        let exponent = reversed.count
        while let last = reversed.first, last == 0 { reversed.removeFirst() }
        self.init(isNegative: value < 0, digits: reversed.reversed(), exponent: exponent)
    }

    /// The number in plain decimal notation, as DynamoDB prints it: no
    /// exponent, no trailing zeros after the point, no leading `+`.
    public var text: String {
        if digits.isEmpty { return "0" }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + Swift.max(0, exponent) + 3)
        if isNegative { out.append(UInt8(ascii: "-")) }
        let zero = UInt8(ascii: "0")
        if exponent <= 0 {
            out.append(zero)
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: repeatElement(zero, count: -exponent))
            out.append(contentsOf: digits.map { $0 + zero })
        } else if exponent >= digits.count {
            out.append(contentsOf: digits.map { $0 + zero })
            out.append(contentsOf: repeatElement(zero, count: exponent - digits.count))
        } else {
            out.append(contentsOf: digits[..<exponent].map { $0 + zero })
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[exponent...].map { $0 + zero })
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value as an `Int`, if it is a whole number that fits.
    public var intValue: Int? {
        if digits.isEmpty { return 0 }
        guard exponent >= digits.count, exponent <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for digit in digits {
            magnitude = magnitude * 10 + UInt64(digit)
        }
        for _ in digits.count..<exponent {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = product
        }
        if isNegative {
            return magnitude <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }
}

extension DynamoNumber: Comparable {
    public static func < (lhs: DynamoNumber, rhs: DynamoNumber) -> Bool {
        let l = lhs.signum, r = rhs.signum
        if l != r { return l < r }
        if l == 0 { return false }
        let magnitudeLess = Self.magnitudeLess(lhs, rhs)
        let magnitudeGreater = Self.magnitudeLess(rhs, lhs)
        return l > 0 ? magnitudeLess : magnitudeGreater
    }

    private static func magnitudeLess(_ a: DynamoNumber, _ b: DynamoNumber) -> Bool {
        if a.exponent != b.exponent { return a.exponent < b.exponent }
        return a.digits.lexicographicallyPrecedes(b.digits)
    }

    public var signum: Int { digits.isEmpty ? 0 : (isNegative ? -1 : 1) }
}

extension DynamoNumber: CustomStringConvertible {
    public var description: String { text }
}
