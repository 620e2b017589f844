/// One row of a result, its columns still in their binary format.
public struct PostgresRow: Sendable {
    /// The columns' types, shared by every row of the result.
    let types: [UInt32]
    let data: [UInt8]
    /// Each column's bytes in `data`; nil for NULL.
    let columns: [Range<Int>?]

    public var count: Int { columns.count }

    /// The columns, from the first, as `types`.
    public func decode<each Value: PostgresDecodable>(_: (repeat each Value).Type) throws(DecodingError) -> (repeat each Value) {
        var index = 0
        return (repeat try column(&index, as: (each Value).self))
    }

    /// The first column, as `Value`.
    public func decode<Value: PostgresDecodable>(_: Value.Type) throws(DecodingError) -> Value {
        var index = 0
        return try column(&index, as: Value.self)
    }

    private func column<Value: PostgresDecodable>(_ index: inout Int, as _: Value.Type) throws(DecodingError) -> Value {
        defer { index += 1 }
        guard index < columns.count else { throw DecodingError(expected: "\(Value.self) in column \(index + 1)", type: 0) }
        guard let range = columns[index] else { return try Value.null(type: types[index]) }
        return try Value(column: data[range], type: types[index])
    }
}
