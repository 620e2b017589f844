import StrataModel

extension DynamoAPI {
    /// The records of a shard from the iterator's position: up to Limit,
    /// within 1 MB. A closed shard read to its end gives no next iterator.
    func getRecords(_ input: GetRecordsInput, _ context: RequestContext) async throws -> GetRecordsOutput {
        let now = context.clock.now()
        let iterator = input.iterator
        try iterator.checkFresh(at: now)
        let (table, stream) = try iterator.stream.resolve(in: storage, at: now)
        guard iterator.shard == ShardID(streamCreated: stream.created, partition: iterator.shard.partition) else {
            throw DynamoError.resourceNotFound("Requested resource not found: Shard does not exist")
        }
        let page = try await storage.streamRecords(
            table: table.name, shard: iterator.shard.partition, generation: stream.generation, from: iterator.position,
            limit: input.limit, maxBytes: GetRecordsOutput.maximumBytes)
        try Self.checkNotTrimmed(iterator.position, in: page.shard)
        let position = page.records.last.map { $0.sequence + 1 } ?? iterator.position
        let exhausted = !stream.isEnabled && (page.shard.last.map { position > $0 } ?? true)
        return GetRecordsOutput(
            records: page.records, stream: stream, eventSourceID: iterator.shard.text + iterator.stream.text,
            region: configuration.region,
            nextIterator: exhausted ? nil : iterator.moved(to: position, at: now).text)
    }
}
