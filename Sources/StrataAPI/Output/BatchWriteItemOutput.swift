import StrataModel

/// BatchWriteItem's answer: the writes left for another call, and the units per table.
struct BatchWriteItemOutput: OperationOutput {
    let unprocessed: JSONObject
    let consumed: [ConsumedCapacity]
    let report: CapacityReport

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"UnprocessedItems\":")
        writer.value(.object(unprocessed))
        ConsumedCapacity.append(consumed, report: report, list: true, to: &writer)
        writer.raw("}")
    }
}
