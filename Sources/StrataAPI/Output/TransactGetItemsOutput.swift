import StrataModel

/// TransactGetItems' answer: one entry per Get, in order (`{}` for an item
/// not found), and the units per table.
struct TransactGetItemsOutput: OperationOutput {
    var items: [Item?]
    let consumed: [ConsumedCapacity]
    let report: CapacityReport

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"Responses\":[")
        for (index, item) in items.enumerated() {
            if index > 0 { writer.raw(",") }
            if let item {
                writer.raw("{\"Item\":")
                writer.item(item)
                writer.raw("}")
            } else {
                writer.raw("{}")
            }
        }
        writer.raw("]")
        ConsumedCapacity.append(consumed, report: report, list: true, to: &writer)
        writer.raw("}")
    }
}
