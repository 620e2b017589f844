import StrataPostgresWire
import StrataModel
import StrataStorage

/// Each table's stream shards and their records. A shard's row holds its
/// next sequence number; claiming one locks the row until commit, so
/// within a shard the sequence order is the commit order and has no gaps.
enum StreamRows {
    /// The shards' rows of a new table.
    static func createShards(table: String, count: Int, on connection: PostgresConnection) async throws {
        var statement = Statement()
        let id = statement.bind(table)
        statement.sql = """
            INSERT INTO strata_stream_shards (table_id, shard, next_seq, trimmed_through)
            SELECT \(id), shard, 1, 0 FROM generate_series(0, \(statement.bind(count - 1))) AS shard
            """
        _ = try await statement.run(on: connection)
    }

    static func append(
        table: String, shard: Int, generation: Int, at milliseconds: Int, event: StreamRecord.Event, origin: StreamRecord.Origin,
        keys: Item, old: Item?, new: Item?, on connection: PostgresConnection
    ) async throws {
        var statement = Statement()
        let id = statement.bind(table), shardValue = statement.bind(shard)
        statement.sql = """
            WITH claim AS (
                UPDATE strata_stream_shards SET next_seq = next_seq + 1
                WHERE table_id = \(id) AND shard = \(shardValue) RETURNING next_seq - 1 AS seq)
            INSERT INTO strata_stream_records (table_id, shard, seq, generation, at, event, origin, keys, old, new)
            SELECT \(id), \(shardValue), seq, \(statement.bind(generation)), \(statement.bind(milliseconds)),
                \(statement.bind(Int16(event.rawValue))), \(statement.bind(Int16(origin.rawValue))), \(statement.bind(Bytea(ItemEncoding.encode(keys)))),
                \(statement.bind(old.map { Bytea(ItemEncoding.encode($0)) })), \(statement.bind(new.map { Bytea(ItemEncoding.encode($0)) }))
            FROM claim
            """
        _ = try await statement.run(on: connection)
    }

    /// Where stream `generation` stands in `shard`; nil if the table has no such shard.
    static func range(table: String, shard: Int, generation: Int, on connection: PostgresConnection) async throws -> StreamShardRange? {
        var statement = Statement()
        let id = statement.bind(table), shardValue = statement.bind(shard)
        statement.sql = """
            SELECT s.next_seq, s.trimmed_through,
                (SELECT min(seq) FROM strata_stream_records r WHERE r.table_id = \(id) AND r.shard = \(shardValue) AND r.generation = \(statement.bind(generation))),
                (SELECT max(seq) FROM strata_stream_records r WHERE r.table_id = \(id) AND r.shard = \(shardValue) AND r.generation = \(statement.bind(generation)))
            FROM strata_stream_shards s WHERE s.table_id = \(id) AND s.shard = \(shardValue)
            """
        guard let row = try await statement.run(on: connection).first else { return nil }
        let (next, trimmed, first, last) = try row.decode((Int, Int, Int?, Int?).self)
        return StreamShardRange(first: first, last: last, next: next, trimmedThrough: trimmed)
    }

    /// Up to `limit` records of stream `generation` in `shard` from `start`
    /// on, stopping before the one that would take the page past `maxBytes` (one at least).
    static func records(
        table: String, shard: Int, generation: Int, from start: Int, limit: Int, maxBytes: Int, on connection: PostgresConnection
    ) async throws -> [StreamRecord] {
        var statement = Statement()
        statement.sql = """
            SELECT seq, at, event, origin, keys, old, new FROM strata_stream_records
            WHERE table_id = \(statement.bind(table)) AND shard = \(statement.bind(shard)) AND generation = \(statement.bind(generation))
            AND seq >= \(statement.bind(start)) ORDER BY seq LIMIT \(statement.bind(limit))
            """
        var records: [StreamRecord] = []
        var bytes = 0
        for row in try await statement.run(on: connection) {
            let (sequence, time, event, origin, keys, old, new) = try row.decode((Int, Int, Int16, Int16, Bytea, Bytea?, Bytea?).self)
            bytes += keys.bytes.count + (old?.bytes.count ?? 0) + (new?.bytes.count ?? 0)
            if bytes > maxBytes, !records.isEmpty { break }
            guard let event = StreamRecord.Event(rawValue: Int(event)), let origin = StreamRecord.Origin(rawValue: Int(origin)) else {
                throw DynamoError.internalFailure("A stream record could not be decoded")
            }
            do {
                records.append(StreamRecord(
                    sequence: sequence, event: event, origin: origin, time: time, keys: try ItemEncoding.decode(keys.bytes),
                    oldImage: try old.map { try ItemEncoding.decode($0.bytes) }, newImage: try new.map { try ItemEncoding.decode($0.bytes) }))
            } catch {
                throw DynamoError.internalFailure("A stream record could not be decoded")
            }
        }
        return records
    }

    /// Deletes up to `limit` of a shard's records written before `cutoff`
    /// (milliseconds since 1970), oldest first; returns how many.
    static func trim(table: String, shard: Int, before cutoff: Int, limit: Int, on connection: PostgresConnection) async throws -> Int {
        var statement = Statement()
        let id = statement.bind(table), shardValue = statement.bind(shard)
        statement.sql = """
            SELECT max(seq) FROM (SELECT seq FROM strata_stream_records WHERE table_id = \(id) AND shard = \(shardValue)
            AND at < \(statement.bind(cutoff)) ORDER BY seq LIMIT \(statement.bind(limit))) AS old
            """
        guard let through = try await statement.run(on: connection).first.flatMap({ try $0.decode(Int?.self) }) else { return 0 }
        var delete = Statement()
        let deleteID = delete.bind(table), deleteShard = delete.bind(shard), deleteThrough = delete.bind(through)
        delete.sql = "DELETE FROM strata_stream_records WHERE table_id = \(deleteID) AND shard = \(deleteShard) AND seq <= \(deleteThrough)"
        let count = try await delete.execute(on: connection)
        var record = Statement()
        record.sql = """
            UPDATE strata_stream_shards SET trimmed_through = greatest(trimmed_through, \(record.bind(through)))
            WHERE table_id = \(record.bind(table)) AND shard = \(record.bind(shard))
            """
        _ = try await record.run(on: connection)
        return count
    }
}
