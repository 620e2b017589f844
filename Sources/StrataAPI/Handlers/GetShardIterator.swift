import StrataModel
import StrataStorage

extension DynamoAPI {
    func getShardIterator(_ input: GetShardIteratorInput, _ context: RequestContext) async throws -> JSONOutput {
        let now = context.clock.now()
        let (table, stream) = try input.stream.resolve(in: storage, at: now)
        guard let shard = ShardID(input.shardID), shard == ShardID(streamCreated: stream.created, partition: shard.partition),
              let range = try await storage.streamShard(table: table.name, shard: shard.partition, generation: stream.generation)
        else {
            throw DynamoError.resourceNotFound("Requested resource not found: Shard does not exist")
        }
        let position: Int
        switch input.start {
        case .trimHorizon: position = range.first ?? range.next
        case .latest: position = range.next
        case .at(let sequence): position = sequence
        case .after(let sequence): position = sequence + 1
        }
        try Self.checkNotTrimmed(position, in: range)
        let iterator = ShardIterator(stream: input.stream, shard: shard, position: position, issuedAt: now)
        return JSONOutput(value: .object(JSONObject([("ShardIterator", .string(iterator.text))])))
    }

    /// Refuses a position whose records the trimmer has deleted.
    static func checkNotTrimmed(_ position: Int, in range: StreamShardRange) throws(DynamoError) {
        if position <= range.trimmedThrough {
            throw .trimmedDataAccess("The operation attempted to read past the oldest stream record in a shard.")
        }
    }
}
