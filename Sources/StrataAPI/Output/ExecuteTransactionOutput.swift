import StrataModel

/// ExecuteTransaction's answer: that of the operation it became.
enum ExecuteTransactionOutput: OperationOutput {
    case reads(TransactGetItemsOutput)
    case writes(TransactWriteItemsOutput)

    func write(to writer: inout JSONWriter) {
        switch self {
        case .reads(let output): output.write(to: &writer)
        case .writes(let output): output.write(to: &writer)
        }
    }
}
