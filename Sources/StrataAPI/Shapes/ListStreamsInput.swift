import StrataExpressions
import StrataModel

/// DynamoDB Streams' ListStreams request.
struct ListStreamsInput: OperationInput {
    let tableName: String?
    let limit: Int
    let exclusiveStart: StreamARN?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let tableName = try request.string("TableName")
        let limit = try request.integer("Limit")
        let start = try request.string("ExclusiveStartStreamArn")
        var violations = ConstraintViolations()
        if let tableName { violations.checkTableName(tableName) }
        violations.checkRange(limit, at: "limit", 1...100)
        violations.checkLength(start, at: "exclusiveStartStreamArn", 37...1024)
        try violations.throwIfAny()
        self.tableName = tableName
        self.limit = limit ?? 100
        exclusiveStart = try start.map(StreamARN.parse)
    }
}

extension StreamARN {
    /// A stream ARN the client sent, or ValidationException.
    static func parse(_ text: String) throws(DynamoError) -> StreamARN {
        guard let arn = StreamARN(text) else { throw .validation("Invalid StreamArn: \(text)") }
        return arn
    }
}
