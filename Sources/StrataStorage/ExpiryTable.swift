/// Every statement on a partition's `expiry` table: the epoch second at
/// which each item of a table with time to live expires, indexed, so that
/// a sweep finds the expired items without reading the others.
enum ExpiryTable {
    static func create(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS expiry(k BLOB PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS expiry_at ON expiry(at);
            """)
    }

    /// Records when the item under `key` expires; nil: never.
    static func set(_ key: [UInt8], expiresAt seconds: Int?, on connection: SQLiteConnection) throws {
        guard let seconds else { return try remove(key, on: connection) }
        let statement = try connection.statement("INSERT INTO expiry(k, at) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET at = excluded.at")
        statement.bind(1, key)
        statement.bind(2, seconds)
        try statement.run()
    }

    static func remove(_ key: [UInt8], on connection: SQLiteConnection) throws {
        let statement = try connection.statement("DELETE FROM expiry WHERE k = ?")
        statement.bind(1, key)
        try statement.run()
    }

    static func removeAll(on connection: SQLiteConnection) throws {
        try connection.execute("DELETE FROM expiry")
    }

    /// Up to `limit` keys whose expiry lies in `seconds`.
    static func due(in seconds: ClosedRange<Int>, limit: Int, on connection: SQLiteConnection) throws -> [[UInt8]] {
        let statement = try connection.statement("SELECT k FROM expiry WHERE at BETWEEN ? AND ? LIMIT ?")
        defer { statement.reset() }
        statement.bind(1, seconds.lowerBound)
        statement.bind(2, seconds.upperBound)
        statement.bind(3, limit)
        var keys: [[UInt8]] = []
        while try statement.step() { keys.append(statement.blob(0)) }
        return keys
    }
}
