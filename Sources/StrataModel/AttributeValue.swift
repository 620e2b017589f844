/// One DynamoDB attribute value: exactly one of the ten types.
/// Sets keep their members in the order the client sent them.
public indirect enum AttributeValue: Sendable, Hashable {
    case s(String)
    case n(DynamoNumber)
    case b([UInt8])
    case bool(Bool)
    case null
    case m([String: AttributeValue])
    case l([AttributeValue])
    case ss([String])
    case ns([DynamoNumber])
    case bs([[UInt8]])

    /// The type descriptor DynamoDB uses on the wire ("S", "N", ...).
    public var typeName: String {
        switch self {
        case .s: "S"
        case .n: "N"
        case .b: "B"
        case .bool: "BOOL"
        case .null: "NULL"
        case .m: "M"
        case .l: "L"
        case .ss: "SS"
        case .ns: "NS"
        case .bs: "BS"
        }
    }

    /// The value's size as DynamoDB counts it for the 400 KB item limit and
    /// for capacity units.
    public var size: Int {
        switch self {
        case .s(let s): s.utf8.count
        case .n(let n): Self.numberSize(n)
        case .b(let b): b.count
        case .bool, .null: 1
        case .m(let map): 3 + map.reduce(0) { $0 + $1.key.utf8.count + $1.value.size + 1 }
        case .l(let list): 3 + list.reduce(0) { $0 + $1.size + 1 }
        case .ss(let set): set.reduce(0) { $0 + $1.utf8.count }
        case .ns(let set): set.reduce(0) { $0 + Self.numberSize($1) }
        case .bs(let set): set.reduce(0) { $0 + $1.count }
        }
    }

    /// Numbers are stored as base-100 digit pairs aligned on the decimal
    /// point, plus an exponent byte and a byte for a negative sign.
    private static func numberSize(_ n: DynamoNumber) -> Int {
        let digits = n.digits.count
        guard digits > 0 else { return 1 }
        // The exponent of the leading digit: value = d1.d2... × 10^e.
        let exponent = n.exponent - 1
        let misaligned = digits % 2 == 0 && exponent % 2 == 0 ? 1 : 0
        return 1 + (digits + 1) / 2 + misaligned + (n.isNegative ? 1 : 0)
    }
}

/// An item: attribute names to values.
public typealias Item = [String: AttributeValue]

extension Dictionary where Key == String, Value == AttributeValue {
    /// The item's size as DynamoDB computes it: each name's UTF-8 length plus
    /// its value's size.
    public var itemSize: Int {
        reduce(0) { $0 + $1.key.utf8.count + $1.value.size }
    }

    /// DynamoDB's limit on one item's size.
    public static var maximumItemSize: Int { 400 * 1024 }
}
