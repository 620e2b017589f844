/// A value sent as a statement parameter, in the binary format of its type.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type, named in the statement's Parse.
    static var typeOID: UInt32 { get }
    /// Appends the value's bytes (without their length).
    func encode(into bytes: inout [UInt8])
}

extension Int: PostgresEncodable {
    public static var typeOID: UInt32 { TypeOID.int8 }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(Int64(self)) }
}

extension Int16: PostgresEncodable {
    public static var typeOID: UInt32 { TypeOID.int2 }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(self) }
}

extension Int32: PostgresEncodable {
    public static var typeOID: UInt32 { TypeOID.int4 }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(self) }
}

extension Bool: PostgresEncodable {
    public static var typeOID: UInt32 { TypeOID.bool }
    public func encode(into bytes: inout [UInt8]) { bytes.append(self ? 1 : 0) }
}

extension Double: PostgresEncodable {
    public static var typeOID: UInt32 { TypeOID.float8 }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(bitPattern) }
}

extension String: PostgresEncodable {
    public static var typeOID: UInt32 { TypeOID.text }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }
}

/// Bytes as a `bytea` value, both ways (a bare `[UInt8]` could be meant
/// as an array type).
public struct Bytea: PostgresEncodable, PostgresDecodable, Sendable, Equatable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public static var typeOID: UInt32 { TypeOID.bytea }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: self.bytes) }

    public init(column bytes: ArraySlice<UInt8>, type: UInt32) throws(DecodingError) {
        guard type == TypeOID.bytea else { throw DecodingError(expected: "bytea", type: type) }
        self.bytes = Array(bytes)
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<Value: FixedWidthInteger>(_ value: Value) {
        var big = value.bigEndian
        Swift.withUnsafeBytes(of: &big) { append(contentsOf: $0) }
    }

    /// A value's bytes after their length (4 bytes, big-endian), as Bind
    /// frames a parameter and an array its elements.
    mutating func appendFramed(_ value: some PostgresEncodable) {
        let lengthAt = count
        appendBigEndian(Int32(0))
        value.encode(into: &self)
        let length = Int32(count - lengthAt - 4)
        Swift.withUnsafeBytes(of: length.bigEndian) { replaceSubrange(lengthAt..<(lengthAt + 4), with: $0) }
    }
}
