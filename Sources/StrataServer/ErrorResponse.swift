import StrataModel

/// The one place a `DynamoError` becomes a response body:
/// `{"__type": "<namespace>#<type>", "message": "..."}` plus any extra members.
enum ErrorResponse {
    /// The only content type DynamoDB answers API requests with.
    static let contentType = "application/x-amz-json-1.0"

    static func body(for error: DynamoError) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"__type\":")
        writer.string(error.qualifiedTypeName)
        if let message = error.message, !message.isEmpty {
            writer.raw(",\"message\":")
            writer.string(message)
        }
        if case .conditionalCheckFailed(_, let item?) = error {
            writer.raw(",\"Item\":")
            writer.item(item)
        }
        if case .transactionCanceled(_, let reasons) = error {
            writer.raw(",\"CancellationReasons\":[")
            for (index, reason) in reasons.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.raw("{\"Code\":")
                writer.string(reason.code)
                if let message = reason.message {
                    writer.raw(",\"Message\":")
                    writer.string(message)
                }
                if let item = reason.item {
                    writer.raw(",\"Item\":")
                    writer.item(item)
                }
                writer.raw("}")
            }
            writer.raw("]")
        }
        writer.raw("}")
        return writer.bytes
    }
}
