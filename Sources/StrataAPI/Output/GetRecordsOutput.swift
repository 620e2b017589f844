import StrataModel
import StrataStorage

/// GetRecords' answer, written straight from the records: a poller drains
/// thousands a second.
struct GetRecordsOutput: OperationOutput {
    let records: [StreamRecord]
    let stream: StreamDefinition
    /// Names the shard, for the records' event ids.
    let eventSourceID: String
    let region: String
    let nextIterator: String?

    /// DynamoDB's page: 1 MB of records at most.
    static let maximumBytes = 1024 * 1024

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"Records\":[")
        let shardHash = Self.hash(eventSourceID)
        for (position, record) in records.enumerated() {
            if position > 0 { writer.raw(",") }
            write(record, shardHash: shardHash, to: &writer)
        }
        writer.raw("]")
        if let nextIterator {
            writer.raw(",\"NextShardIterator\":")
            writer.string(nextIterator)
        }
        writer.raw("}")
    }

    private func write(_ record: StreamRecord, shardHash: UInt64, to writer: inout JSONWriter) {
        writer.raw("{\"eventID\":")
        writer.string(Self.hex(shardHash) + Self.hex(UInt64(record.sequence)))
        writer.raw(",\"eventName\":")
        switch record.event {
        case .insert: writer.raw("\"INSERT\"")
        case .modify: writer.raw("\"MODIFY\"")
        case .remove: writer.raw("\"REMOVE\"")
        }
        writer.raw(",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":")
        writer.string(region)
        writer.raw(",\"dynamodb\":{\"ApproximateCreationDateTime\":")
        writer.int(record.time / 1000)
        writer.raw(",\"Keys\":")
        writer.item(record.keys)
        var size = record.keys.itemSize
        if let image = record.newImage {
            writer.raw(",\"NewImage\":")
            writer.item(image)
            size += image.itemSize
        }
        if let image = record.oldImage {
            writer.raw(",\"OldImage\":")
            writer.item(image)
            size += image.itemSize
        }
        writer.raw(",\"SequenceNumber\":")
        writer.string(SequenceNumber.format(record.sequence))
        writer.raw(",\"SizeBytes\":")
        writer.int(size)
        writer.raw(",\"StreamViewType\":")
        writer.string(stream.viewType.rawValue)
        writer.raw("}")
        // The Streams API's Identity shape (Lambda's events spell the
        // members in lower case).
        if record.origin == .timeToLive {
            writer.raw(",\"userIdentity\":{\"PrincipalId\":\"dynamodb.amazonaws.com\",\"Type\":\"Service\"}")
        }
        writer.raw("}")
    }

    /// FNV-1a: a stable 64 bits per shard for event ids.
    private static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
