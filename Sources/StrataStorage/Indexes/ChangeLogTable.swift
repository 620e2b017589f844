/// Every statement on a partition's change log: the `changes` table, where
/// each write to a table with global indexes appends the item's key and
/// its old and new images in the write's own transaction, and the
/// `propagation` row, the position up to which the global indexes hold
/// those changes. Rows up to that position are no longer needed.
enum ChangeLogTable {
    /// One change as the log holds it.
    struct Row {
        var sequence: Int
        var key: [UInt8]
        var old: [UInt8]?
        var new: [UInt8]?
    }

    /// Creates the tables if missing. AUTOINCREMENT: sequence numbers only
    /// grow, even once every row has been trimmed.
    static func create(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, k BLOB NOT NULL, old BLOB, new BLOB);
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
    static func append(key: [UInt8], old: [UInt8]?, new: [UInt8]?, on connection: SQLiteConnection) throws -> Int {
        let statement = try connection.statement("INSERT INTO changes(k, old, new) VALUES (?, ?, ?)")
        statement.bind(1, key)
        if let old { statement.bind(2, old) }
        if let new { statement.bind(3, new) }
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
        let statement = try connection.statement(
            "SELECT seq, k, old, new FROM changes WHERE seq > (SELECT applied FROM propagation WHERE id = 0) ORDER BY seq")
        defer { statement.reset() }
        var rows: [Row] = []
        while try statement.step() {
            rows.append(Row(
                sequence: statement.int(0), key: statement.blob(1),
                old: statement.isNull(2) ? nil : statement.blob(2), new: statement.isNull(3) ? nil : statement.blob(3)))
        }
        return rows
    }
}
