import StrataModel

/// BatchGetItem's answer: the items found per table, the keys left for
/// another call, and the units per table.
struct BatchGetItemOutput: OperationOutput {
    var responses: [(table: String, items: [Item])] = []
    var unprocessed = JSONObject()
    var consumed: [ConsumedCapacity] = []
    let report: CapacityReport

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"Responses\":{")
        for (index, response) in responses.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(response.table)
            writer.raw(":[")
            for (itemIndex, item) in response.items.enumerated() {
                if itemIndex > 0 { writer.raw(",") }
                writer.item(item)
            }
            writer.raw("]")
        }
        writer.raw("},\"UnprocessedKeys\":")
        writer.value(.object(unprocessed))
        ConsumedCapacity.append(consumed, report: report, list: true, to: &writer)
        writer.raw("}")
    }
}
