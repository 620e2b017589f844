/// A value read from a result column, sent in its type's binary format.
public protocol PostgresDecodable {
    init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError)
    /// What a NULL column becomes; only optionals accept one.
    static func null(type: UInt32) throws(DecodingError) -> Self
}

extension PostgresDecodable {
    public static func null(type: UInt32) throws(DecodingError) -> Self {
        throw DecodingError(expected: "\(Self.self)", type: type, null: true)
    }
}

/// A column that does not hold the Swift type asked for.
public struct DecodingError: Error, Sendable, CustomStringConvertible {
    let expected: String
    let type: UInt32
    var null = false

    public var description: String {
        null ? "NULL where a \(expected) was expected" : "a column of type \(type) read as \(expected)"
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        self = .some(try Wrapped(column: bytes, type: type))
    }

    public static func null(type: UInt32) throws(DecodingError) -> Self { nil }
}

extension Int: PostgresDecodable {
    /// Any integer column.
    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        switch (type, bytes.count) {
        case (TypeOID.int8, 8): self = Int(Int64(bigEndianBytes: bytes))
        case (TypeOID.int4, 4): self = Int(Int32(bigEndianBytes: bytes))
        case (TypeOID.int2, 2): self = Int(Int16(bigEndianBytes: bytes))
        default: throw DecodingError(expected: "Int", type: type)
        }
    }
}

extension Int16: PostgresDecodable {
    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        guard type == TypeOID.int2, bytes.count == 2 else { throw DecodingError(expected: "Int16", type: type) }
        self = Int16(bigEndianBytes: bytes)
    }
}

extension Bool: PostgresDecodable {
    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        guard type == TypeOID.bool, bytes.count == 1 else { throw DecodingError(expected: "Bool", type: type) }
        self = bytes.first != 0
    }
}

extension Double: PostgresDecodable {
    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        switch (type, bytes.count) {
        case (TypeOID.float8, 8): self = Double(bitPattern: UInt64(bigEndianBytes: bytes))
        case (TypeOID.float4, 4): self = Double(Float(bitPattern: UInt32(bigEndianBytes: bytes)))
        default: throw DecodingError(expected: "Double", type: type)
        }
    }
}

extension String: PostgresDecodable {
    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        guard [TypeOID.text, TypeOID.varchar, TypeOID.name, TypeOID.bpchar].contains(type) else {
            throw DecodingError(expected: "String", type: type)
        }
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension FixedWidthInteger {
    /// The integer whose big-endian bytes these are (exactly its width).
    init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        var value = Self.zero
        for byte in bytes { value = value << 8 | Self(truncatingIfNeeded: byte) }
        self = value
    }
}
