import StrataModel

/// Every statement on a partition's `items` and `stats` tables, and on
/// the tables of its local indexes, which hold entries the way `items`
/// holds items: the one place that knows their SQL.
enum ItemsTable {
    static let items = "items"

    /// What a partition's database holds.
    enum Layout: Equatable {
        /// A table's items, with `localIndexes` tables for local index
        /// entries (`TableIndexing.localTable`).
        case table(localIndexes: Int)
        /// A global index's entries. They arrive in no order, so they are
        /// kept in key order (WITHOUT ROWID): a Query reads neighbouring
        /// rows instead of one page per entry.
        case globalIndex

        /// The layout of a partition that keeps `upkeep` (nil: an index's).
        init(_ upkeep: PartitionUpkeep?) {
            self = upkeep.map { .table(localIndexes: $0.indexing.current.locals.count) } ?? .globalIndex
        }
    }

    /// A global index partition's pages. Kept in key order, an entry
    /// lives in its B-tree's pages only up to about a quarter page: 8 KB
    /// pages keep entries of up to 2 KB off overflow pages, where 4 KB
    /// pages halved Query on an index of 1 KB items, and 16 KB pages
    /// doubled what each write puts in the log (Benchmarks/indexes). Set
    /// before the file has any.
    static let globalIndexPageSize = "PRAGMA page_size=8192"

    /// Creates the tables of a new partition; leaves existing ones as they are.
    static func create(on connection: SQLiteConnection, layout: Layout) throws {
        let items = layout == .globalIndex
            ? "CREATE TABLE IF NOT EXISTS items(k BLOB PRIMARY KEY, v BLOB NOT NULL, size INTEGER NOT NULL) WITHOUT ROWID;"
            : "CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL, size INTEGER NOT NULL);"
        try connection.execute("""
            \(items)
            CREATE TABLE IF NOT EXISTS stats(id INTEGER PRIMARY KEY CHECK (id = 0), items INTEGER NOT NULL, bytes INTEGER NOT NULL);
            INSERT OR IGNORE INTO stats VALUES (0, 0, 0);
            """)
        guard case .table(let localIndexes) = layout else { return }
        try ExpiryTable.create(on: connection)
        try StreamLogTable.create(on: connection)
        try HistoryTable.create(on: connection)
        for position in 0..<localIndexes {
            try connection.execute(
                "CREATE TABLE IF NOT EXISTS \(TableIndexing.localTable(position))(k BLOB PRIMARY KEY, v BLOB NOT NULL, size INTEGER NOT NULL) WITHOUT ROWID")
        }
    }

    /// Entries and bytes of a local index's table, counted.
    static func count(_ table: String, on connection: SQLiteConnection) throws -> PartitionStatistics {
        let statement = try connection.statement("SELECT count(*), coalesce(sum(size), 0) FROM \(table)")
        defer { statement.reset() }
        guard try statement.step() else { return PartitionStatistics() }
        return PartitionStatistics(itemCount: statement.int(0), sizeBytes: statement.int(1))
    }

    /// Bytes stored in `table` under keys of `range`.
    static func bytes(in range: KeyRange, of table: String, on connection: SQLiteConnection) throws -> Int {
        let statement = try connection.statement("SELECT coalesce(sum(size), 0) FROM \(table)\(clause(limiting: range))")
        defer { statement.reset() }
        bindBounds(of: range, to: statement)
        return try statement.step() ? statement.int(0) : 0
    }

    static func statistics(on connection: SQLiteConnection) throws -> PartitionStatistics {
        let statement = try connection.statement("SELECT items, bytes FROM stats WHERE id = 0")
        defer { statement.reset() }
        guard try statement.step() else { return PartitionStatistics() }
        return PartitionStatistics(itemCount: statement.int(0), sizeBytes: statement.int(1))
    }

    private static let addStatisticsSlot = StatementSlot()

    static func addStatistics(_ delta: PartitionStatistics, on connection: SQLiteConnection) throws {
        let statement = try connection.statement(addStatisticsSlot) { "UPDATE stats SET items = items + ?, bytes = bytes + ? WHERE id = 0" }
        statement.bind(1, delta.itemCount)
        statement.bind(2, delta.sizeBytes)
        try statement.run()
    }

    /// The statements of one key, by the table they touch.
    private enum PointStatement: Int, CaseIterable {
        case stored, size, upsert, delete

        func sql(_ table: String) -> String {
            switch self {
            case .stored: "SELECT v, size FROM \(table) WHERE k = ?"
            case .size: "SELECT size FROM \(table) WHERE k = ?"
            case .upsert: "INSERT INTO \(table)(k, v, size) VALUES (?, ?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v, size = excluded.size"
            case .delete: "DELETE FROM \(table) WHERE k = ?"
            }
        }

        /// Where the `items` table's statement is kept.
        var itemsSlot: StatementSlot { ItemsTable.pointSlots[rawValue] }
    }

    private static let pointSlots = PointStatement.allCases.map { _ in StatementSlot() }

    /// The `items` table's statements are slotted; a local index table's are found by their text.
    private static func statement(_ point: PointStatement, in table: String, on connection: SQLiteConnection) throws -> SQLiteStatement {
        table == items ? try connection.statement(point.itemsSlot) { point.sql(table) } : try connection.statement(point.sql(table))
    }

    /// The item (or entry) stored under `key`, with its size.
    static func stored(_ key: [UInt8], in table: String = items, on connection: SQLiteConnection) throws -> StoredItem? {
        let statement = try statement(.stored, in: table, on: connection)
        statement.bind(1, key)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return StoredItem(value: statement.blob(0), size: statement.int(1))
    }

    /// The size of the item stored under `key`, without reading its bytes.
    static func size(of key: [UInt8], in table: String = items, on connection: SQLiteConnection) throws -> Int? {
        let statement = try statement(.size, in: table, on: connection)
        statement.bind(1, key)
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : nil
    }

    static func upsert(_ key: [UInt8], _ item: StoredItem, in table: String = items, on connection: SQLiteConnection) throws {
        let statement = try statement(.upsert, in: table, on: connection)
        statement.bind(1, key)
        statement.bind(2, item.value)
        statement.bind(3, item.size)
        try statement.run()
    }

    static func delete(_ key: [UInt8], in table: String = items, on connection: SQLiteConnection) throws {
        let statement = try statement(.delete, in: table, on: connection)
        statement.bind(1, key)
        try statement.run()
    }

    /// Reads items of `range` in key order (descending if not `forward`)
    /// until `limit` is reached; `page` collects them across partitions.
    /// Returns whether the limit stopped the read; with `peek`, only if
    /// another item of the range follows.
    static func read(
        _ range: KeyRange, in table: String = items, forward: Bool, limit: PageLimit, peek: Bool, into page: inout ItemPage,
        on connection: SQLiteConnection
    ) throws -> Bool {
        let sql = { "SELECT v, size FROM \(table)\(clause(limiting: range)) ORDER BY k \(forward ? "ASC" : "DESC")" }
        let statement = try table == items ? connection.statement(readSlot(range, forward: forward), sql) : connection.statement(sql())
        defer { statement.reset() }
        bindBounds(of: range, to: statement)
        return try page.fill(upTo: limit, peek: peek) {
            try statement.step() ? StoredItem(value: statement.blob(0), size: statement.int(1)) : nil
        }
    }

    /// The same read of a global index partition's `items`, with `recent`
    /// (the entries in `range` not yet written, in the read's order) laid
    /// over the rows: a recent entry replaces the row of its key, and a
    /// removal hides it.
    static func read(
        _ range: KeyRange, overlaying recent: [RecentEntries.Entry], forward: Bool, limit: PageLimit, peek: Bool,
        into page: inout ItemPage, on connection: SQLiteConnection
    ) throws -> Bool {
        let statement = try connection.statement(
            "SELECT k, v, size FROM \(items)\(clause(limiting: range)) ORDER BY k \(forward ? "ASC" : "DESC")")
        defer { statement.reset() }
        bindBounds(of: range, to: statement)
        func nextRow() throws -> RecentEntries.Entry? {
            try statement.step() ? RecentEntries.Entry(key: statement.blob(0), item: StoredItem(value: statement.blob(1), size: statement.int(2))) : nil
        }
        var row = try nextRow()
        var position = 0
        func nextItem() throws -> StoredItem? {
            while true {
                guard position < recent.count else {
                    guard let current = row else { return nil }
                    row = try nextRow()
                    return current.item
                }
                let entry = recent[position]
                if let current = row {
                    if current.key == entry.key {
                        row = try nextRow()
                    } else if forward ? current.key.sortsBefore(entry.key) : entry.key.sortsBefore(current.key) {
                        row = try nextRow()
                        return current.item
                    }
                }
                position += 1
                if let item = entry.item { return item }
            }
        }
        return try page.fill(upTo: limit, peek: peek, from: nextItem)
    }

    /// Up to `limit` items after `start` (from the first if nil), with their keys.
    static func keyedPage(after start: [UInt8]?, limit: Int, on connection: SQLiteConnection) throws -> [(key: [UInt8], value: [UInt8])] {
        try storedPage(after: start, limit: limit, on: connection).map { ($0.key, $0.item.value) }
    }

    /// The same, with each item as it is stored.
    static func storedPage(after start: [UInt8]?, limit: Int, on connection: SQLiteConnection) throws -> [(key: [UInt8], item: StoredItem)] {
        let statement = try connection.statement(
            start == nil ? "SELECT k, v, size FROM items ORDER BY k LIMIT ?" : "SELECT k, v, size FROM items WHERE k > ? ORDER BY k LIMIT ?")
        defer { statement.reset() }
        if let start {
            statement.bind(1, start)
            statement.bind(2, limit)
        } else {
            statement.bind(1, limit)
        }
        var page: [(key: [UInt8], item: StoredItem)] = []
        while try statement.step() { page.append((statement.blob(0), StoredItem(value: statement.blob(1), size: statement.int(2)))) }
        return page
    }

    /// The WHERE clause that limits `k` to `range`; the keys to bind are
    /// the lower bound's, then the upper's.
    private static func clause(limiting range: KeyRange) -> String {
        var conditions: [String] = []
        if let lower = range.lower { conditions.append(lower.inclusive ? "k >= ?" : "k > ?") }
        if let upper = range.upper { conditions.append(upper.inclusive ? "k <= ?" : "k < ?") }
        return conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }

    /// Binds the range's keys in `clause(limiting:)`'s order.
    private static func bindBounds(of range: KeyRange, to statement: SQLiteStatement) {
        if let lower = range.lower { statement.bind(1, lower.key) }
        if let upper = range.upper { statement.bind(range.lower == nil ? 1 : 2, upper.key) }
    }

    /// A slot for each shape of range read on `items`: each bound absent,
    /// inclusive or exclusive, in either direction.
    private static let readSlots = (0..<18).map { _ in StatementSlot() }

    private static func readSlot(_ range: KeyRange, forward: Bool) -> StatementSlot {
        func shape(_ bound: KeyRange.Bound?) -> Int { bound.map { $0.inclusive ? 1 : 2 } ?? 0 }
        return readSlots[(shape(range.lower) * 3 + shape(range.upper)) * 2 + (forward ? 1 : 0)]
    }
}
