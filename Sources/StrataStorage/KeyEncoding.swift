import StrataModel

/// Encodes a primary key into the bytes stored in a partition's key column,
/// such that memcmp order is the order Strata scans and queries in:
///
///     [partition hash: 8 bytes, big-endian] [partition key, length-prefixed] [sort key, order-preserving]
///
/// Items of one partition-key value are therefore contiguous and sorted by
/// sort key in DynamoDB's order (S and B by bytes, N by value).
/// The type tags and layout are on disk: never change them.
public enum KeyEncoding {
    /// Frozen type tags of the canonical form.
    enum Tag: UInt8 {
        case string = 0x01
        case number = 0x02
        case binary = 0x03
    }

    /// Frozen tags of the order-preserving number form.
    enum NumberTag: UInt8 {
        case negative = 0x01
        case zero = 0x02
        case positive = 0x03
    }

    public static func encode(_ key: PrimaryKey) -> [UInt8] {
        var out = partitionPrefix(key.partition)
        if let sort = key.sort { appendSortKey(sort, to: &out) }
        return out
    }

    /// The bytes shared by every item with this partition-key value.
    public static func partitionPrefix(_ partition: AttributeValue) -> [UInt8] {
        // Built in place: room for the hash and length, then the canonical
        // bytes, which are hashed where they lie.
        // One allocation: the prefix with room for a sort key of 32 bytes.
        var out = [UInt8](unsafeUninitializedCapacity: 12 + 1 + canonicalPayloadCount(partition) + 32) { memory, count in
            memory.initialize(repeating: 0)
            count = 12
        }
        appendCanonical(partition, to: &out)
        let canonicalCount = out.count - 12
        let hash = out.withUnsafeBytes { MD5.prefix64(of: UnsafeRawBufferPointer(rebasing: $0[12...])) }
        for index in 0..<8 { out[index] = UInt8(truncatingIfNeeded: hash >> UInt64(56 - 8 * index)) }
        for index in 0..<4 { out[8 + index] = UInt8(truncatingIfNeeded: canonicalCount >> (24 - 8 * index)) }
        return out
    }

    /// How many bytes of an encoded key are its partition prefix.
    package static func partitionPrefixLength(ofEncoded key: [UInt8]) -> Int {
        12 + key[8..<12].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Reads the partition hash back from an encoded key.
    public static func hash(ofEncoded key: [UInt8]) -> UInt64 {
        key.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// How many bytes `appendCanonical` writes after the tag, at most.
    private static func canonicalPayloadCount(_ value: AttributeValue) -> Int {
        switch value {
        case .s(let s): s.utf8.count
        // A number's text, not made twice: 38 digits, a sign, a point and an exponent fit.
        case .n: 48
        case .b(let b): b.count
        default: 0
        }
    }

    /// Type tag plus the value's canonical bytes (a number's normalized text).
    static func appendCanonical(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .s(let s):
            out.append(Tag.string.rawValue)
            out.append(contentsOf: s.utf8)
        case .n(let n):
            out.append(Tag.number.rawValue)
            out.append(contentsOf: n.text.utf8)
        case .b(let b):
            out.append(Tag.binary.rawValue)
            out.append(contentsOf: b)
        default:
            preconditionFailure("key attributes are S, N or B; validation guarantees it")
        }
    }

    /// The sort key in an order-preserving form. It is always last in the
    /// key, so it needs no terminator or length.
    public static func appendSortKey(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .s(let s): out.append(contentsOf: s.utf8)
        case .b(let b): out.append(contentsOf: b)
        case .n(let n): appendOrderedNumber(n, to: &out)
        default: preconditionFailure("key attributes are S, N or B; validation guarantees it")
        }
    }

    /// Numbers: a sign tag, the exponent biased into two bytes, then the
    /// digits. Negative numbers invert exponent and digits and end with 0xFF,
    /// so that a longer magnitude sorts first.
    static func appendOrderedNumber(_ n: DynamoNumber, to out: inout [UInt8]) {
        if n.isZero {
            out.append(NumberTag.zero.rawValue)
            return
        }
        let biased = UInt16(truncatingIfNeeded: 0x8000 + n.exponent)
        if n.isNegative {
            out.append(NumberTag.negative.rawValue)
            let inverted = ~biased
            out.append(UInt8(inverted >> 8))
            out.append(UInt8(inverted & 0xFF))
            for digit in n.digits { out.append(UInt8(ascii: "9") - digit) }
            out.append(0xFF)
        } else {
            out.append(NumberTag.positive.rawValue)
            out.append(UInt8(biased >> 8))
            out.append(UInt8(biased & 0xFF))
            for digit in n.digits { out.append(UInt8(ascii: "0") + digit) }
        }
    }
}
