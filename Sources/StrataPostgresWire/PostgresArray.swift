/// A value that can be an element of a one-dimensional array parameter.
public protocol PostgresArrayElement: PostgresEncodable {
    /// The array type's identifier (pg_type.typarray of the element's type).
    static var arrayTypeOID: UInt32 { get }
}

/// A one-dimensional array parameter without NULLs, in the binary format
/// of `array_send`: many rows' values in one parameter, which a statement
/// turns back into rows with `unnest`.
public struct PostgresArray<Element: PostgresArrayElement>: PostgresEncodable {
    public var elements: [Element]

    public init(_ elements: [Element]) {
        self.elements = elements
    }

    public static var typeOID: UInt32 { Element.arrayTypeOID }

    public func encode(into bytes: inout [UInt8]) {
        bytes.appendBigEndian(Int32(1))  // dimensions
        bytes.appendBigEndian(Int32(0))  // no NULLs
        bytes.appendBigEndian(Element.typeOID)
        bytes.appendBigEndian(Int32(elements.count))
        bytes.appendBigEndian(Int32(1))  // the lower bound
        for element in elements { bytes.appendFramed(element) }
    }
}

extension Bytea: PostgresArrayElement {
    public static var arrayTypeOID: UInt32 { TypeOID.byteaArray }
}

extension Int32: PostgresArrayElement {
    public static var arrayTypeOID: UInt32 { TypeOID.int4Array }
}
