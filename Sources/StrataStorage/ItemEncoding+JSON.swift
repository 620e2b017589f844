import StrataModel

extension ItemEncoding {
    /// Writes a stored item as DynamoDB JSON straight from its encoded
    /// bytes, with no `Item` in between: what a GetItem without a
    /// projection answers. The output equals `writer.item(decode(bytes))`.
    public static func writeJSON(_ bytes: [UInt8], to writer: inout JSONWriter) throws(CorruptItem) {
        try bytes.withUnsafeBufferPointer { buffer throws(CorruptItem) in
            var reader = Reader(buffer: buffer)
            guard try reader.byte() == version else { throw CorruptItem() }
            try writeMap(&reader, to: &writer)
            guard reader.atEnd else { throw CorruptItem() }
        }
    }

    private static func writeMap(_ reader: inout Reader, to writer: inout JSONWriter) throws(CorruptItem) {
        let count = try reader.varint()
        writer.raw("{")
        for index in 0..<count {
            if index > 0 { writer.raw(",") }
            writer.string(utf8: try reader.bytes())
            writer.raw(":")
            try writeValue(&reader, to: &writer)
        }
        writer.raw("}")
    }

    private static func writeValue(_ reader: inout Reader, to writer: inout JSONWriter) throws(CorruptItem) {
        guard let tag = Tag(rawValue: try reader.byte()) else { throw CorruptItem() }
        switch tag {
        case .string:
            writer.raw("{\"S\":")
            writer.string(utf8: try reader.bytes())
        case .number:
            // Numbers are stored in their canonical text, as sent.
            writer.raw("{\"N\":")
            writer.string(utf8: try reader.bytes())
        case .binary:
            writer.raw("{\"B\":")
            writeBase64(try reader.bytes(), to: &writer)
        case .boolFalse:
            writer.raw("{\"BOOL\":false")
        case .boolTrue:
            writer.raw("{\"BOOL\":true")
        case .null:
            writer.raw("{\"NULL\":true")
        case .map:
            writer.raw("{\"M\":")
            try writeMap(&reader, to: &writer)
        case .list:
            writer.raw("{\"L\":[")
            let count = try reader.varint()
            for index in 0..<count {
                if index > 0 { writer.raw(",") }
                try writeValue(&reader, to: &writer)
            }
            writer.raw("]")
        case .stringSet, .numberSet:
            writer.raw(tag == .stringSet ? "{\"SS\":[" : "{\"NS\":[")
            let count = try reader.varint()
            for index in 0..<count {
                if index > 0 { writer.raw(",") }
                writer.string(utf8: try reader.bytes())
            }
            writer.raw("]")
        case .binarySet:
            writer.raw("{\"BS\":[")
            let count = try reader.varint()
            for index in 0..<count {
                if index > 0 { writer.raw(",") }
                writeBase64(try reader.bytes(), to: &writer)
            }
            writer.raw("]")
        }
        writer.raw("}")
    }

    private static func writeBase64(_ bytes: UnsafeBufferPointer<UInt8>, to writer: inout JSONWriter) {
        var encoded: [UInt8] = [UInt8(ascii: "\"")]
        encoded.reserveCapacity((bytes.count + 2) / 3 * 4 + 2)
        Base64.encode(bytes, into: &encoded)
        encoded.append(UInt8(ascii: "\""))
        writer.rawBytes(encoded)
    }
}
