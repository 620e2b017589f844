import StrataModel

/// BatchExecuteStatement's answer: one response per statement, in order,
/// each the item read or returned, or the statement's own error.
struct BatchStatementOutput: OperationOutput {
    struct Response {
        var tableName: String?
        /// The item's JSON.
        var item: [UInt8]?
        var error: (code: String, message: String?)?

        /// Records a statement's failure. (A fault of the server's own is
        /// not caught: it fails the request, and is logged.)
        mutating func fail(_ error: DynamoError) {
            self.error = (BatchStatementOutput.code(of: error), error.message)
        }
    }

    var responses: [Response] = []
    var consumed: [ConsumedCapacity] = []
    var report: CapacityReport = .none

    func write(to writer: inout JSONWriter) {
        writer.raw("{\"Responses\":[")
        for (position, response) in responses.enumerated() {
            if position > 0 { writer.raw(",") }
            writer.raw("{")
            var first = true
            func separate() {
                if !first { writer.raw(",") }
                first = false
            }
            if let tableName = response.tableName {
                separate()
                writer.raw("\"TableName\":")
                writer.string(tableName)
            }
            if let item = response.item {
                separate()
                writer.raw("\"Item\":")
                writer.rawBytes(item)
            }
            if let error = response.error {
                separate()
                writer.raw("\"Error\":{\"Code\":")
                writer.string(error.code)
                if let message = error.message {
                    writer.raw(",\"Message\":")
                    writer.string(message)
                }
                writer.raw("}")
            }
            writer.raw("}")
        }
        writer.raw("]")
        ConsumedCapacity.append(consumed, report: report, list: true, to: &writer)
        writer.raw("}")
    }

    /// A statement's error as a batch response reports it: DynamoDB's
    /// BatchStatementErrorCodeEnum, mostly the exception's name without
    /// "Exception".
    static func code(of error: DynamoError) -> String {
        switch error {
        case .validation, .serialization: "ValidationError"
        case .conditionalCheckFailed: "ConditionalCheckFailed"
        case .itemCollectionSizeLimitExceeded: "ItemCollectionSizeLimitExceeded"
        case .requestLimitExceeded: "RequestLimitExceeded"
        case .provisionedThroughputExceeded: "ProvisionedThroughputExceeded"
        case .transactionConflict: "TransactionConflict"
        case .throttling: "ThrottlingError"
        case .resourceNotFound, .tableNotFound: "ResourceNotFound"
        case .accessDenied: "AccessDenied"
        case .duplicateItem: "DuplicateItem"
        default: "InternalServerError"
        }
    }
}
