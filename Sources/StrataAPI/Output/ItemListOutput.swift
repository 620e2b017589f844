import StrataModel

/// The body of a Query or Scan answer.
struct ItemListOutput: OperationOutput {
    /// The items' JSON, comma-separated, as `appendItem` wrote them.
    var items = JSONWriter()
    var count = 0
    var scannedCount = 0
    var lastEvaluatedKey: Item?
    /// Select=COUNT: no Items member at all.
    var countOnly = false
    var consumed: (ConsumedCapacity, CapacityReport)?

    var sizeEstimate: Int { items.bytes.count + 256 }

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        if !countOnly {
            writer.raw("\"Items\":[")
            writer.rawBytes(items.bytes)
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

    /// Adds one item, written by `write`.
    mutating func appendItem<E: Error>(_ write: (inout JSONWriter) throws(E) -> Void) throws(E) {
        if !items.bytes.isEmpty { items.raw(",") }
        try write(&items)
    }
}
