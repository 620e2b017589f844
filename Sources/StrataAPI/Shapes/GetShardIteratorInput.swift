import StrataExpressions
import StrataModel

/// DynamoDB Streams' GetShardIterator request.
struct GetShardIteratorInput: OperationInput {
    enum Start: Sendable, Equatable {
        case trimHorizon
        case latest
        case at(Int)
        case after(Int)
    }

    let stream: StreamARN
    let shardID: String
    let start: Start

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("StreamArn")
        let shardID = try request.string("ShardId")
        let type = try request.string("ShardIteratorType")
        let sequence = try request.string("SequenceNumber")
        var violations = ConstraintViolations()
        violations.requireNonNull(arn, at: "streamArn")
        violations.checkLength(arn, at: "streamArn", 37...1024)
        violations.requireNonNull(shardID, at: "shardId")
        violations.checkLength(shardID, at: "shardId", 28...65)
        violations.requireNonNull(type, at: "shardIteratorType")
        violations.checkEnum(type, at: "shardIteratorType", allowed: ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"])
        violations.checkLength(sequence, at: "sequenceNumber", 21...40)
        try violations.throwIfAny()
        stream = try StreamARN.parse(arn ?? "")
        self.shardID = shardID ?? ""
        switch (type, sequence) {
        case ("TRIM_HORIZON", nil): start = .trimHorizon
        case ("LATEST", nil): start = .latest
        case ("AT_SEQUENCE_NUMBER", let text?): start = .at(try Self.sequence(text))
        case ("AFTER_SEQUENCE_NUMBER", let text?): start = .after(try Self.sequence(text))
        case (let type?, nil):
            throw .validation("Must specify a sequence number for iterator type \(type)")
        case (let type?, .some):
            throw .validation("Sequence number must not be specified for iterator type \(type)")
        case (nil, _):
            throw .validation("Invalid ShardIteratorType")
        }
    }

    private static func sequence(_ text: String) throws(DynamoError) -> Int {
        guard let sequence = SequenceNumber.parse(text) else { throw .validation("Invalid SequenceNumber: \(text)") }
        return sequence
    }
}
