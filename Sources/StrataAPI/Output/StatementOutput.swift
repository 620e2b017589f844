import StrataModel

/// ExecuteStatement's answer: the items read or returned, where to go on
/// reading, and the units.
struct StatementOutput: OperationOutput {
    /// The items' JSON, comma-separated.
    var items = JSONWriter()
    var lastEvaluatedKey: Item?
    var consumed: (ConsumedCapacity, CapacityReport)?

    /// A single-item operation's answer: its item, if any, is the one item.
    init(_ output: ItemOutput) {
        if let member = output.member {
            switch member.value {
            case .item(let item): items.item(item)
            case .json(let json): items.rawBytes(json)
            }
        }
        if output.report != .none { consumed = (output.consumed, output.report) }
    }

    init(_ output: ItemListOutput) {
        items = output.items
        lastEvaluatedKey = output.lastEvaluatedKey
        consumed = output.consumed
    }

    /// The one item, for a batch's or a transaction's response entry.
    var item: [UInt8]? { items.bytes.isEmpty ? nil : items.bytes }

    func write(to writer: inout JSONWriter) {
        writer.reserveCapacity(items.bytes.count + 256)
        writer.raw("{\"Items\":[")
        writer.rawBytes(items.bytes)
        writer.raw("]")
        if let lastEvaluatedKey {
            writer.raw(",\"NextToken\":")
            writer.string(NextToken.token(for: lastEvaluatedKey))
            writer.raw(",\"LastEvaluatedKey\":")
            writer.item(lastEvaluatedKey)
        }
        if let (capacity, report) = consumed {
            ConsumedCapacity.append([capacity], report: report, list: false, to: &writer)
        }
        writer.raw("}")
    }
}
