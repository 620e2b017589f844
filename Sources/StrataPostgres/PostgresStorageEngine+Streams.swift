import StrataPostgresWire
import StrataModel
import StrataStorage

/// Streams: a table's shards are rows of `strata_stream_shards`, their
/// records rows of `strata_stream_records`, written in each change's own
/// transaction (`ItemWriter`).
extension PostgresStorageEngine {
    public func streamShards(table: String, generation: Int) async throws -> [StreamShardRange] {
        let layout = try layout(named: table)
        return try await translating {
            try await database.transaction(.snapshot) { connection in
                var ranges: [StreamShardRange] = []
                for shard in 0..<layout.shardCount {
                    ranges.append(try await StreamRows.range(table: layout.id, shard: shard, generation: generation, on: connection) ?? .empty)
                }
                return ranges
            }
        }
    }

    public func streamShard(table: String, shard: Int, generation: Int) async throws -> StreamShardRange? {
        let layout = try layout(named: table)
        guard (0..<layout.shardCount).contains(shard) else { return nil }
        return try await translating {
            try await database.withConnection { connection in
                try await StreamRows.range(table: layout.id, shard: shard, generation: generation, on: connection) ?? .empty
            }
        }
    }

    public func streamRecords(
        table: String, shard: Int, generation: Int, from start: Int, limit: Int, maxBytes: Int
    ) async throws -> StreamRecordPage {
        let layout = try layout(named: table)
        guard (0..<layout.shardCount).contains(shard) else { return StreamRecordPage(records: [], shard: .empty) }
        // One snapshot: the records and the range agree.
        return try await translating {
            try await database.transaction(.snapshot) { connection in
                StreamRecordPage(
                    records: try await StreamRows.records(
                        table: layout.id, shard: shard, generation: generation, from: start, limit: limit, maxBytes: maxBytes,
                        on: connection),
                    shard: try await StreamRows.range(table: layout.id, shard: shard, generation: generation, on: connection) ?? .empty)
            }
        }
    }
}
