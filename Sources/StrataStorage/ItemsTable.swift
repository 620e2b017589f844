import StrataModel

/// Every statement on a partition's `items` and `stats` tables: the one
/// place that knows their SQL.
enum ItemsTable {
    /// Creates the tables of a new partition; leaves an existing one as it is.
    static func create(on connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL, size INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS stats(id INTEGER PRIMARY KEY CHECK (id = 0), items INTEGER NOT NULL, bytes INTEGER NOT NULL);
            INSERT OR IGNORE INTO stats VALUES (0, 0, 0);
            """)
    }

    static func statistics(on connection: SQLiteConnection) throws -> PartitionStatistics {
        let statement = try connection.statement("SELECT items, bytes FROM stats WHERE id = 0")
        defer { statement.reset() }
        guard try statement.step() else { return PartitionStatistics() }
        return PartitionStatistics(itemCount: statement.int(0), sizeBytes: statement.int(1))
    }

    static func addStatistics(_ delta: PartitionStatistics, on connection: SQLiteConnection) throws {
        let statement = try connection.statement("UPDATE stats SET items = items + ?, bytes = bytes + ? WHERE id = 0")
        statement.bind(1, delta.itemCount)
        statement.bind(2, delta.sizeBytes)
        try statement.run()
    }

    /// The encoded item stored under `key`.
    /// The item stored under `key`, with its size.
    static func stored(_ key: [UInt8], on connection: SQLiteConnection) throws -> StoredItem? {
        let statement = try connection.statement("SELECT v, size FROM items WHERE k = ?")
        statement.bind(1, key)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return StoredItem(value: statement.blob(0), size: statement.int(1))
    }

    /// The size of the item stored under `key`, without reading its bytes.
    static func size(of key: [UInt8], on connection: SQLiteConnection) throws -> Int? {
        let statement = try connection.statement("SELECT size FROM items WHERE k = ?")
        statement.bind(1, key)
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : nil
    }

    static func upsert(_ key: [UInt8], _ item: StoredItem, on connection: SQLiteConnection) throws {
        let statement = try connection.statement(
            "INSERT INTO items(k, v, size) VALUES (?, ?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v, size = excluded.size")
        statement.bind(1, key)
        statement.bind(2, item.value)
        statement.bind(3, item.size)
        try statement.run()
    }

    static func delete(_ key: [UInt8], on connection: SQLiteConnection) throws {
        let statement = try connection.statement("DELETE FROM items WHERE k = ?")
        statement.bind(1, key)
        try statement.run()
    }

    /// Reads items of `range` in key order (descending if not `forward`)
    /// until `limit` is reached; `page` collects them across partitions.
    /// Returns whether the limit stopped the read; with `peek`, only if
    /// another item of the range follows.
    static func read(
        _ range: KeyRange, forward: Bool, limit: PageLimit, peek: Bool, into page: inout ItemPage, on connection: SQLiteConnection
    ) throws -> Bool {
        var conditions: [String] = []
        if let lower = range.lower { conditions.append(lower.inclusive ? "k >= ?" : "k > ?") }
        if let upper = range.upper { conditions.append(upper.inclusive ? "k <= ?" : "k < ?") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let statement = try connection.statement("SELECT v, size FROM items\(filter) ORDER BY k \(forward ? "ASC" : "DESC")")
        defer { statement.reset() }
        var index: Int32 = 1
        for bound in [range.lower, range.upper].compactMap({ $0 }) {
            statement.bind(index, bound.key)
            index += 1
        }
        while page.items.count < limit.items, page.bytesRead < limit.bytes {
            guard try statement.step() else { return false }
            page.append(StoredItem(value: statement.blob(0), size: statement.int(1)))
        }
        return peek ? try statement.step() : true
    }
}
