/// Every statement on a partition's history: while a table keeps history
/// (point-in-time recovery is on, or a backup is being taken), each change
/// to an item appends, in the change's own transaction, the item's key,
/// the moment of the change and the image it replaced. Undoing the
/// changes after a moment, earliest first for each key, turns the items as
/// they stand into the items as they stood then.
enum HistoryTable {
    /// One change: the item under `key` was `old` (nil: absent) until `at`.
    struct Change {
        var sequence: Int
        var key: [UInt8]
        var old: [UInt8]?
    }

    static func create(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS history(seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, k BLOB NOT NULL, old BLOB);
            CREATE INDEX IF NOT EXISTS history_by_time ON history(at);
            """)
    }

    /// Records that `key` held `old` until `milliseconds` since 1970.
    static func append(at milliseconds: Int, key: [UInt8], old: [UInt8]?, on connection: SQLiteConnection) throws {
        let statement = try connection.statement("INSERT INTO history(at, k, old) VALUES (?, ?, ?)")
        statement.bind(1, milliseconds)
        statement.bind(2, key)
        statement.bind(3, old)
        try statement.run()
    }

    /// Up to `limit` changes made after `milliseconds`, in commit order,
    /// from sequence number `start` on.
    static func changes(after milliseconds: Int, from start: Int, limit: Int, on connection: SQLiteConnection) throws -> [Change] {
        let statement = try connection.statement(
            "SELECT seq, k, old FROM history WHERE at > ? AND seq >= ? ORDER BY seq LIMIT ?")
        defer { statement.reset() }
        statement.bind(1, milliseconds)
        statement.bind(2, start)
        statement.bind(3, limit)
        var changes: [Change] = []
        while try statement.step() {
            changes.append(Change(sequence: statement.int(0), key: statement.blob(1), old: statement.isNull(2) ? nil : statement.blob(2)))
        }
        return changes
    }

    /// Deletes up to `limit` changes made before `milliseconds`; returns how many.
    static func trim(before milliseconds: Int, limit: Int, on connection: SQLiteConnection) throws -> Int {
        let statement = try connection.statement(
            "DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE at < ? ORDER BY at LIMIT ?)")
        statement.bind(1, milliseconds)
        statement.bind(2, limit)
        try statement.run()
        return connection.changedRows
    }
}
