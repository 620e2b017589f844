import StrataExpressions
import StrataModel

/// DynamoDB Streams' DescribeStream request.
struct DescribeStreamInput: OperationInput {
    let stream: StreamARN
    let limit: Int
    let exclusiveStartShardID: String?
    /// The shard whose children are asked for (ShardFilter CHILD_SHARDS).
    let childrenOf: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("StreamArn")
        let limit = try request.integer("Limit")
        let start = try request.string("ExclusiveStartShardId")
        let filter = try request.object("ShardFilter")
        let filterShard = try filter?.string("ShardId")
        let filterType = try filter?.string("Type")
        var violations = ConstraintViolations()
        violations.requireNonNull(arn, at: "streamArn")
        violations.checkLength(arn, at: "streamArn", 37...1024)
        violations.checkRange(limit, at: "limit", 1...100)
        violations.checkLength(start, at: "exclusiveStartShardId", 28...65)
        if filter != nil {
            violations.requireNonNull(filterType, at: "shardFilter.type")
            violations.checkEnum(filterType, at: "shardFilter.type", allowed: ["CHILD_SHARDS"])
            violations.requireNonNull(filterShard, at: "shardFilter.shardId")
            violations.checkLength(filterShard, at: "shardFilter.shardId", 28...65)
        }
        try violations.throwIfAny()
        stream = try StreamARN.parse(arn ?? "")
        self.limit = limit ?? 100
        exclusiveStartShardID = start
        childrenOf = filterShard
    }
}
