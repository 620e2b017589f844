import StrataModel
import StrataStorage

extension DynamoAPI {
    /// A stream and its shards, one per table partition. Shards never
    /// split, so none has a parent or a child.
    func describeStream(_ input: DescribeStreamInput, _ context: RequestContext) async throws -> JSONOutput {
        let (table, stream) = try input.stream.resolve(in: storage, at: context.clock.now())
        var shards: [JSONValue] = []
        var lastEvaluated: String?
        if input.childrenOf == nil {
            let ranges = try await storage.streamShards(table: table.name, generation: stream.generation)
            var ids = ranges.indices.map { ShardID(streamCreated: stream.created, partition: $0) }
            if let start = input.exclusiveStartShardID.map({ Array($0.utf8) }) {
                ids.removeAll { !start.lexicographicallyPrecedes(Array($0.text.utf8)) }
            }
            for id in ids.prefix(input.limit) { shards.append(Self.shard(id, ranges[id.partition], closed: !stream.isEnabled)) }
            if ids.count > input.limit { lastEvaluated = ids[input.limit - 1].text }
        }
        var description = JSONObject()
        description["StreamArn"] = .string(input.stream.text)
        description["StreamLabel"] = .string(stream.label)
        description["StreamStatus"] = .string(stream.isEnabled ? "ENABLED" : "DISABLED")
        description["StreamViewType"] = .string(stream.viewType.rawValue)
        description["CreationRequestDateTime"] = .number(TableDescription.timestamp(stream.created))
        description["TableName"] = .string(table.name)
        description["KeySchema"] = .array(TableDescription.keySchema(table.keySchema))
        description["Shards"] = .array(shards)
        if let lastEvaluated { description["LastEvaluatedShardId"] = .string(lastEvaluated) }
        return JSONOutput(value: .object(JSONObject([("StreamDescription", .object(description))])))
    }

    /// A shard's description: a closed one (its stream disabled) has an end.
    private static func shard(_ id: ShardID, _ range: StreamShardRange, closed: Bool) -> JSONValue {
        let start = range.first ?? range.next
        var sequenceRange = JSONObject([("StartingSequenceNumber", .string(SequenceNumber.format(start)))])
        if closed { sequenceRange["EndingSequenceNumber"] = .string(SequenceNumber.format(range.last ?? start)) }
        return .object(JSONObject([("ShardId", .string(id.text)), ("SequenceNumberRange", .object(sequenceRange))]))
    }
}
