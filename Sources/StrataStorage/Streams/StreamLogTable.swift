import StrataModel

/// Every statement on a partition's stream records: each change to an item
/// of a table with a stream, written in the change's own transaction,
/// tagged with the generation of the stream it belongs to, and kept for
/// 24 hours. A table's streams follow one another, so one stream's records
/// are a contiguous run of sequence numbers.
enum StreamLogTable {
    /// Creates the tables if missing. AUTOINCREMENT: sequence numbers only
    /// grow, even once every record has been trimmed.
    static func create(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS stream_records(
                seq INTEGER PRIMARY KEY AUTOINCREMENT, stream INTEGER NOT NULL, at INTEGER NOT NULL,
                event INTEGER NOT NULL, origin INTEGER NOT NULL, keys BLOB NOT NULL, old BLOB, new BLOB);
            CREATE INDEX IF NOT EXISTS stream_records_by_stream ON stream_records(stream);
            CREATE TABLE IF NOT EXISTS stream_trim(id INTEGER PRIMARY KEY CHECK (id = 0), through INTEGER NOT NULL);
            INSERT OR IGNORE INTO stream_trim VALUES (0, 0);
            """)
    }

    /// Appends a record of stream `generation`; returns its sequence number.
    @discardableResult
    static func append(
        generation: Int, at milliseconds: Int, event: StreamRecord.Event, origin: StreamRecord.Origin,
        keys: Item, old: Item?, new: Item?, on connection: SQLiteConnection
    ) throws -> Int {
        let statement = try connection.statement(
            "INSERT INTO stream_records(stream, at, event, origin, keys, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)")
        statement.bind(1, generation)
        statement.bind(2, milliseconds)
        statement.bind(3, event.rawValue)
        statement.bind(4, origin.rawValue)
        statement.bind(5, ItemEncoding.encode(keys))
        statement.bind(6, old.map { ItemEncoding.encode($0) })
        statement.bind(7, new.map { ItemEncoding.encode($0) })
        try statement.run()
        return connection.lastInsertedRow
    }

    /// Up to `limit` records of stream `generation` from sequence number
    /// `start` on, in order, stopping before the one that would take the
    /// page past `maxBytes` (one at least).
    static func records(
        generation: Int, from start: Int, limit: Int, maxBytes: Int, on connection: SQLiteConnection
    ) throws -> [StreamRecord] {
        let statement = try connection.statement("""
            SELECT seq, at, event, origin, keys, old, new FROM stream_records
            WHERE stream = ? AND seq >= ? ORDER BY seq LIMIT ?
            """)
        defer { statement.reset() }
        statement.bind(1, generation)
        statement.bind(2, start)
        statement.bind(3, limit)
        var records: [StreamRecord] = []
        var bytes = 0
        while try statement.step() {
            let keys = statement.blob(4)
            let old = statement.isNull(5) ? nil : statement.blob(5)
            let new = statement.isNull(6) ? nil : statement.blob(6)
            bytes += keys.count + (old?.count ?? 0) + (new?.count ?? 0)
            if bytes > maxBytes, !records.isEmpty { break }
            guard let event = StreamRecord.Event(rawValue: statement.int(2)),
                  let origin = StreamRecord.Origin(rawValue: statement.int(3))
            else { throw DynamoError.internalFailure("A stream record could not be decoded") }
            do {
                records.append(StreamRecord(
                    sequence: statement.int(0), event: event, origin: origin, time: statement.int(1),
                    keys: try ItemEncoding.decode(keys), oldImage: try old.map(ItemEncoding.decode),
                    newImage: try new.map(ItemEncoding.decode)))
            } catch {
                throw DynamoError.internalFailure("A stream record could not be decoded")
            }
        }
        return records
    }

    /// Where stream `generation` stands in this partition.
    static func range(generation: Int, on connection: SQLiteConnection) throws -> StreamShardRange {
        var range = StreamShardRange.empty
        let bounds = try connection.statement("SELECT min(seq), max(seq) FROM stream_records WHERE stream = ?")
        defer { bounds.reset() }
        bounds.bind(1, generation)
        if try bounds.step(), !bounds.isNull(0) {
            range.first = bounds.int(0)
            range.last = bounds.int(1)
        }
        let sequence = try connection.statement("SELECT seq FROM sqlite_sequence WHERE name = 'stream_records'")
        defer { sequence.reset() }
        if try sequence.step() { range.next = sequence.int(0) + 1 }
        let trim = try connection.statement("SELECT through FROM stream_trim WHERE id = 0")
        defer { trim.reset() }
        if try trim.step() { range.trimmedThrough = trim.int(0) }
        return range
    }

    /// Deletes up to `limit` of the oldest records, those written before
    /// `cutoff` (milliseconds since 1970); returns how many.
    static func trim(before cutoff: Int, limit: Int, on connection: SQLiteConnection) throws -> Int {
        let oldest = try connection.statement("SELECT seq, at FROM stream_records ORDER BY seq LIMIT ?")
        oldest.bind(1, limit)
        var through: Int?
        var count = 0
        // Records are in time order: the old ones come first.
        while try oldest.step(), oldest.int(1) < cutoff {
            through = oldest.int(0)
            count += 1
        }
        oldest.reset()
        guard let through else { return 0 }
        let delete = try connection.statement("DELETE FROM stream_records WHERE seq <= ?")
        delete.bind(1, through)
        try delete.run()
        let record = try connection.statement("UPDATE stream_trim SET through = max(through, ?) WHERE id = 0")
        record.bind(1, through)
        try record.run()
        return count
    }
}
