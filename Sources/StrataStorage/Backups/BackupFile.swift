import StrataModel
import Synchronization

/// One backup's database: its record, and the table's items as of the
/// backup's moment, in key order. While it is being made, `undone` holds
/// the keys whose later changes have been undone already, so that only a
/// key's earliest change after the moment counts.
final class BackupFile: Sendable {
    private let connection: Mutex<SQLiteConnection>

    /// Opens the file, creating its tables if it is new.
    init(location: DatabaseLocation) throws {
        let connection = try SQLiteConnection(location)
        if location.isFile { try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL") }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS backup(id INTEGER PRIMARY KEY CHECK (id = 0), record TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS items(k BLOB PRIMARY KEY, v BLOB NOT NULL, size INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS undone(k BLOB PRIMARY KEY) WITHOUT ROWID;
            """)
        self.connection = Mutex(connection)
    }

    var record: BackupRecord? {
        get throws {
            try connection.withLock { connection in
                let statement = try connection.statement("SELECT record FROM backup WHERE id = 0")
                defer { statement.reset() }
                guard try statement.step() else { return nil }
                return try BackupRecord(json: try JSONParser.parse(Array(statement.text(0).utf8)))
            }
        }
    }

    func save(_ record: BackupRecord) throws {
        try connection.withLock { connection in
            let statement = try connection.statement("INSERT OR REPLACE INTO backup(id, record) VALUES (0, ?)")
            statement.bind(1, String(decoding: record.json.serialized, as: UTF8.self))
            try statement.run()
        }
    }

    /// Adds items read from the table.
    func add(_ items: [(key: [UInt8], item: StoredItem)]) throws {
        try inTransaction { connection in
            for (key, item) in items { try ItemsTable.upsert(key, item, on: connection) }
        }
    }

    /// Undoes changes made after the moment, in commit order: a key's
    /// first change gives back the image it replaced; later ones are
    /// already covered.
    func undo(_ changes: [HistoryTable.Change]) throws {
        try inTransaction { connection in
            let mark = try connection.statement("INSERT OR IGNORE INTO undone(k) VALUES (?)")
            for change in changes {
                mark.bind(1, change.key)
                try mark.run()
                guard connection.changedRows == 1 else { continue }
                if let old = change.old {
                    let size = try ItemEncoding.decode(old).itemSize
                    try ItemsTable.upsert(change.key, StoredItem(value: old, size: size), on: connection)
                } else {
                    try ItemsTable.delete(change.key, on: connection)
                }
            }
        }
    }

    /// Drops what making the backup needed; returns what it holds.
    func finish() throws -> PartitionStatistics {
        try connection.withLock { connection in
            try connection.execute("DROP TABLE IF EXISTS undone")
            return try ItemsTable.count(ItemsTable.items, on: connection)
        }
    }

    /// Up to `limit` items after `start`, in key order.
    func items(after start: [UInt8]?, limit: Int) throws -> [(key: [UInt8], item: StoredItem)] {
        try connection.withLock { try ItemsTable.storedPage(after: start, limit: limit, on: $0) }
    }

    private func inTransaction(_ body: (SQLiteConnection) throws -> Void) throws {
        try connection.withLock { connection in
            try connection.execute("BEGIN")
            do {
                try body(connection)
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}
