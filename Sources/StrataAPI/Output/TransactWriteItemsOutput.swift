import StrataModel

/// TransactWriteItems' answer: nothing but the units, if asked for.
struct TransactWriteItemsOutput: OperationOutput {
    let consumed: [ConsumedCapacity]
    let report: CapacityReport

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        ConsumedCapacity.append(consumed, report: report, list: true, first: true, to: &writer)
        writer.raw("}")
    }
}
