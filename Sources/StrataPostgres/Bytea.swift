import PostgresNIO

/// Bytes as a `bytea` value, both ways. postgres-nio would send a
/// `[UInt8]` as an array of "char", so keys and items travel in this.
struct Bytea: PostgresEncodable, PostgresDecodable, Sendable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static var psqlType: PostgresDataType { .bytea }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeBytes(bytes)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .bytea, format == .binary else { throw DecodingError.typeMismatch }
        bytes = Array(buffer.readableBytesView)
    }

    enum DecodingError: Error {
        case typeMismatch
    }
}
