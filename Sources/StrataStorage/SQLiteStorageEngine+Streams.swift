import StrataModel

/// Streams: each partition of a table is a shard, whose records its
/// writer appends in the transaction of each change; reads go to the
/// partition's readers, and a trimmer drops records older than 24 hours.
extension SQLiteStorageEngine {
    public func streamShards(table: String, generation: Int) async throws -> [StreamShardRange] {
        var ranges: [StreamShardRange] = []
        for partition in try store(named: table).partitions { ranges.append(try await Self.streamRange(of: partition, generation: generation)) }
        return ranges
    }

    public func streamShard(table: String, shard: Int, generation: Int) async throws -> StreamShardRange? {
        let partitions = try store(named: table).partitions
        guard partitions.indices.contains(shard) else { return nil }
        return try await Self.streamRange(of: partitions[shard], generation: generation)
    }

    private static func streamRange(of partition: Partition, generation: Int) async throws -> StreamShardRange {
        try await partition.read { try StreamLogTable.range(generation: generation, on: $0) } ?? .empty
    }

    public func streamRecords(
        table: String, shard: Int, generation: Int, from start: Int, limit: Int, maxBytes: Int
    ) async throws -> StreamRecordPage {
        let partitions = try store(named: table).partitions
        guard partitions.indices.contains(shard) else { return StreamRecordPage(records: [], shard: .empty) }
        // One read transaction: the records and the range agree.
        return try await partitions[shard].read { connection in
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            return StreamRecordPage(
                records: try StreamLogTable.records(generation: generation, from: start, limit: limit, maxBytes: maxBytes, on: connection),
                shard: try StreamLogTable.range(generation: generation, on: connection))
        } ?? StreamRecordPage(records: [], shard: .empty)
    }

    /// Once UpdateTable has turned a stream on or off, lets every write
    /// that began under the old setting commit: a disabled stream's shards
    /// then end where they will stay.
    func settleStream(of table: String) async throws {
        for partition in try store(named: table).partitions {
            _ = try await partition.writeIfPresent { _ in }
        }
    }

    /// Deletes every stream record written more than 24 hours before
    /// `now`, and forgets streams disabled longer ago than that (a
    /// table's latest stream stays, for its ARN); returns how many records.
    @discardableResult
    public func trimStreamRecords(now: Double) async -> Int {
        let cutoff = StreamDefinition.retentionCutoff(now: now)
        let entries = tables.withLock { $0.entries.values.filter { !$0.definition.streams.isEmpty } }
        var trimmed = 0
        for entry in entries {
            let table = entry.definition.name
            do {
                for partition in entry.store.partitions {
                    trimmed += try await Self.drain(partition) {
                        let count = try $0.trimStreamRecords(before: cutoff, limit: Self.walkPage)
                        return (count, count)
                    }
                }
                if entry.definition.hasStreamsToForget(at: now) {
                    _ = try await changeRecord(named: table) { record, _ in record.definition.forgetStreams(at: now) }
                }
            } catch {
                // A table deleted meanwhile: nothing left to trim.
                options.logger.debug("Stream trim stopped", metadata: ["table": "\(table)", "error": "\(error)"])
            }
        }
        return trimmed
    }

    /// Trims every `streamTrimInterval` until the engine closes.
    func trimStreamRecordsUntilClosed() async {
        await repeatUntilClosed(every: options.streamTrimInterval) { await trimStreamRecords(now: options.now()) }
    }
}
