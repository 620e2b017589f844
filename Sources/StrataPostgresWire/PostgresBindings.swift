/// A statement's parameters, in order, already encoded: their types for
/// Parse and their values for Bind.
public struct PostgresBindings: Sendable {
    private(set) var types: [UInt32] = []
    /// Each value as Bind frames it: a 4-byte length (-1 for NULL), then the bytes.
    private(set) var values: [UInt8] = []

    public init(capacity: Int = 0) {
        types.reserveCapacity(capacity)
    }

    public var count: Int { types.count }

    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        precondition(types.count < Int(UInt16.max), "a statement takes at most 65,535 parameters")
        types.append(Value.typeOID)
        values.appendFramed(value)
    }

    /// NULL, typed as `Value`.
    public mutating func append<Value: PostgresEncodable>(_ value: Value?) {
        guard let value else {
            types.append(Value.typeOID)
            values.appendBigEndian(Int32(-1))
            return
        }
        append(value)
    }
}
