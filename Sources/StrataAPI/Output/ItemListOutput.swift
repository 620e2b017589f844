import StrataModel

/// The body of a Query or Scan answer.
struct ItemListOutput: OperationOutput {
    var items: [Item] = []
    var count = 0
    var scannedCount = 0
    var lastEvaluatedKey: Item?
    /// Select=COUNT: no Items member at all.
    var countOnly = false
    var consumed: (ConsumedCapacity, CapacityReport)?

    func write(to writer: inout JSONWriter) {
        writer.reserveCapacity(64 + items.count * 128)
        writer.raw("{")
        if !countOnly {
            writer.raw("\"Items\":[")
            for (index, item) in items.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.item(item)
            }
            writer.raw("],")
        }
        writer.raw("\"Count\":")
        writer.int(count)
        writer.raw(",\"ScannedCount\":")
        writer.int(scannedCount)
        if let lastEvaluatedKey {
            writer.raw(",\"LastEvaluatedKey\":")
            writer.item(lastEvaluatedKey)
        }
        if let (capacity, report) = consumed {
            ConsumedCapacity.append([capacity], report: report, list: false, to: &writer)
        }
        writer.raw("}")
    }
}
