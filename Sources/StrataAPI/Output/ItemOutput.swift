import StrataModel

/// The answer of the single-item operations: `{"Item": ...}` (GetItem) or
/// `{"Attributes": ...}` (the writes), or `{}` when there is nothing to
/// return, with the consumed capacity if it was asked for.
struct ItemOutput: OperationOutput {
    /// The item, as a value or as JSON already written.
    enum Value {
        case item(Item)
        case json([UInt8])
    }

    var member: (name: String, value: Value)?
    var consumed: ConsumedCapacity
    var report: CapacityReport
    var collection: ItemCollectionMetrics?

    /// The writes' answer: the attributes ReturnValues asked for.
    static func attributes(_ item: Item?, consumed: ConsumedCapacity, report: CapacityReport) -> ItemOutput {
        ItemOutput(member: item.map { ("Attributes", .item($0)) }, consumed: consumed, report: report)
    }

    var sizeEstimate: Int {
        guard case .json(let json)? = member?.value else { return 256 }
        return json.count + 256
    }

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        if let member {
            writer.string(member.name)
            writer.raw(":")
            switch member.value {
            case .item(let item): writer.item(item)
            case .json(let json): writer.rawBytes(json)
            }
        }
        ConsumedCapacity.append([consumed], report: report, list: false, first: member == nil, to: &writer)
        if let collection {
            if member != nil || report != .none { writer.raw(",") }
            collection.write(to: &writer)
        }
        writer.raw("}")
    }
}
