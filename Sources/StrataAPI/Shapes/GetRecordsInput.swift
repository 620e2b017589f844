import StrataExpressions
import StrataModel

/// DynamoDB Streams' GetRecords request.
struct GetRecordsInput: OperationInput {
    let iterator: ShardIterator
    let limit: Int

    /// At most this many records a call, as DynamoDB.
    static let maximumLimit = 1000

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let text = try request.string("ShardIterator")
        let limit = try request.integer("Limit")
        var violations = ConstraintViolations()
        violations.requireNonNull(text, at: "shardIterator")
        violations.checkLength(text, at: "shardIterator", 1...2048)
        violations.checkRange(limit, at: "limit", 1...Self.maximumLimit)
        try violations.throwIfAny()
        guard let iterator = ShardIterator(text ?? "") else { throw .validation("Invalid ShardIterator") }
        self.iterator = iterator
        self.limit = limit ?? Self.maximumLimit
    }
}
