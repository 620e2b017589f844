import StrataModel
import StrataPartiQL

/// ExecuteStatement's answer: the items read or returned, where to go on
/// reading, and the units.
struct StatementOutput: OperationOutput {
    /// The items' JSON, comma-separated.
    var items = JSONWriter()
    /// The items a Query or Scan read, before its filter: what Limit counts.
    var scannedCount = 0
    /// Where the Query or Scan stopped; the answer says it as `next`.
    var lastEvaluatedKey: Item?
    var next: NextToken?
    var consumed: (ConsumedCapacity, CapacityReport)?

    init() {}

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
        scannedCount = output.scannedCount
        lastEvaluatedKey = output.lastEvaluatedKey
        consumed = output.consumed
    }

    /// The one item, for a batch's or a transaction's response entry.
    var item: [UInt8]? { items.bytes.isEmpty ? nil : items.bytes }

    /// Adds a further page of the same SELECT (the Query of its next
    /// partition-key value).
    mutating func append(_ page: StatementOutput) {
        if !items.bytes.isEmpty, !page.items.bytes.isEmpty { items.raw(",") }
        items.rawBytes(page.items.bytes)
        scannedCount += page.scannedCount
        lastEvaluatedKey = page.lastEvaluatedKey
        if let (units, report) = page.consumed {
            if consumed == nil { consumed = (units, report) } else { consumed!.0.add(units) }
        }
    }

    /// Replaces each item by its SELECT columns.
    mutating func project(_ columns: SelectColumns) throws(DynamoError) {
        guard !items.bytes.isEmpty else { return }
        guard case .array(let values) = try? JSONParser.parse(Array("[".utf8) + items.bytes + Array("]".utf8)) else {
            throw .internalFailure("unreadable items")
        }
        var projected = JSONWriter()
        for (index, value) in values.enumerated() {
            if index > 0 { projected.raw(",") }
            projected.item(columns.apply(to: try Item(itemJSON: value)))
        }
        items = projected
    }

    var sizeEstimate: Int { items.bytes.count + 256 }

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"Items\":[")
        writer.rawBytes(items.bytes)
        writer.raw("]")
        if let next {
            writer.raw(",\"NextToken\":")
            writer.string(next.text)
        }
        if let (capacity, report) = consumed {
            ConsumedCapacity.append([capacity], report: report, list: false, to: &writer)
        }
        writer.raw("}")
    }
}
