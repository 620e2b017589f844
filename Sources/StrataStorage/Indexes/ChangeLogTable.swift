/// Every statement on a partition's change log: the `changes` table, where
/// each write that changes a global index's entries appends, in the
/// write's own transaction, the item's key and the entry keys its old
/// image had in each global index; and the `propagation` row, the position
/// up to which the global indexes hold those changes. A row is all a
/// restart needs: the entries to remove are those old keys, the ones to
/// put come from the item as it now stands.
enum ChangeLogTable {
    /// One change as the log holds it.
    struct Row {
        var sequence: Int
        var key: [UInt8]
        /// Each global index's entry key for the old image, by index name.
        var oldEntries: [String: [UInt8]]
    }

    /// Creates the tables if missing. AUTOINCREMENT: sequence numbers only
    /// grow, even once every row has been trimmed.
    static func create(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, k BLOB NOT NULL, old BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS propagation(id INTEGER PRIMARY KEY CHECK (id = 0), applied INTEGER NOT NULL);
            INSERT OR IGNORE INTO propagation VALUES (0, 0);
            """)
    }

    static func exists(on connection: SQLiteConnection) throws -> Bool {
        let statement = try connection.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'changes'")
        defer { statement.reset() }
        return try statement.step()
    }

    /// Appends a change; returns its sequence number.
    static func append(key: [UInt8], oldEntries: [String: [UInt8]], on connection: SQLiteConnection) throws -> Int {
        let statement = try connection.statement("INSERT INTO changes(k, old) VALUES (?, ?)")
        statement.bind(1, key)
        statement.bind(2, encode(oldEntries))
        try statement.run()
        return connection.lastInsertedRow
    }

    /// Records that the indexes hold every change up to `sequence`, and
    /// drops those rows.
    static func markApplied(through sequence: Int, on connection: SQLiteConnection) throws {
        let update = try connection.statement("UPDATE propagation SET applied = ? WHERE id = 0 AND applied < ?")
        update.bind(1, sequence)
        update.bind(2, sequence)
        try update.run()
        let trim = try connection.statement("DELETE FROM changes WHERE seq <= ?")
        trim.bind(1, sequence)
        try trim.run()
    }

    /// The changes the indexes may not hold yet, in order.
    static func unapplied(on connection: SQLiteConnection) throws -> [Row] {
        guard try exists(on: connection) else { return [] }
        let statement = try connection.statement(
            "SELECT seq, k, old FROM changes WHERE seq > (SELECT applied FROM propagation WHERE id = 0) ORDER BY seq")
        defer { statement.reset() }
        var rows: [Row] = []
        while try statement.step() {
            rows.append(Row(sequence: statement.int(0), key: statement.blob(1), oldEntries: decode(statement.blob(2))))
        }
        return rows
    }

    /// [name length: 2 bytes][name][key length: 4 bytes][key], repeated.
    /// On disk: never change it.
    private static func encode(_ entries: [String: [UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, key) in entries.sorted(by: { $0.key < $1.key }) {
            let nameBytes = Array(name.utf8)
            out.append(UInt8(nameBytes.count >> 8))
            out.append(UInt8(nameBytes.count & 0xFF))
            out.append(contentsOf: nameBytes)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: key.count >> shift)) }
            out.append(contentsOf: key)
        }
        return out
    }

    private static func decode(_ bytes: [UInt8]) -> [String: [UInt8]] {
        var entries: [String: [UInt8]] = [:]
        var position = 0
        while position + 2 <= bytes.count {
            let nameCount = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            position += 2
            guard position + nameCount + 4 <= bytes.count else { break }
            let name = String(decoding: bytes[position..<position + nameCount], as: UTF8.self)
            position += nameCount
            let keyCount = bytes[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            position += 4
            guard position + keyCount <= bytes.count else { break }
            entries[name] = Array(bytes[position..<position + keyCount])
            position += keyCount
        }
        return entries
    }
}
