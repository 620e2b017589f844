import Dispatch
import StrataModel
import Synchronization

/// One storage partition: a SQLite database holding the items whose
/// partition hash falls in its range.
///
/// Writes go through a single writer on a serial queue that applies every
/// queued request in one transaction (group commit). Reads check a
/// connection out of a small pool; in WAL mode they run beside the writer
/// and always see the latest commit.
final class Partition: Sendable {
    let location: DatabaseLocation
    private let durability: StorageOptions.Durability
    private let writer: PartitionWriter
    private let checkpointer: Checkpointer?
    private let readers = Mutex<[SQLiteConnection]>([])

    init(location: DatabaseLocation, durability: StorageOptions.Durability) throws {
        self.location = location
        self.durability = durability
        let connection = try SQLiteConnection(path: location.uri)
        try FormatVersion.prepare(connection, .partition, at: location)
        try Self.configure(connection, location: location, durability: durability)
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL, size INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS stats(id INTEGER PRIMARY KEY CHECK (id = 0), items INTEGER NOT NULL, bytes INTEGER NOT NULL);
            INSERT OR IGNORE INTO stats VALUES (0, 0, 0);
            """)
        let statement = try connection.statement("SELECT items, bytes FROM stats WHERE id = 0")
        var statistics = PartitionStatistics()
        if try statement.step() {
            statistics = PartitionStatistics(itemCount: statement.int(0), sizeBytes: statement.int(1))
        }
        statement.reset()
        checkpointer = try Checkpointer.replacingAutomaticCheckpoints(of: connection, at: location)
        writer = PartitionWriter(
            connection: connection, label: "strata.writer.\(location.uri)", statistics: statistics,
            committed: { [checkpointer] bytes in checkpointer?.noteCommitted(bytes: bytes) })
    }

    /// Page cache per reader connection.
    static let readerCacheKiB = 2048

    static func configure(_ connection: SQLiteConnection, location: DatabaseLocation, durability: StorageOptions.Durability) throws {
        guard location.isFile else { return }
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
    }

    var statistics: PartitionStatistics {
        writer.statistics.withLock { $0 }
    }

    /// Runs `body` inside the writer's next group transaction; its result is
    /// returned once that transaction has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (PartitionTransaction) throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    /// Runs `body` in a transaction of its own at once; for start-up work only.
    func writeNow<T>(_ body: (PartitionTransaction) throws -> T) throws -> T {
        try writer.writeNow(body)
    }

    /// Runs `body` with a reader connection checked out of the pool.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let pooled = readers.withLock { $0.popLast() }
        let connection = try pooled ?? openReader()
        defer { readers.withLock { $0.append(connection) } }
        return try body(connection)
    }

    private func openReader() throws -> SQLiteConnection {
        // No mmap: mapped pages would count toward the server's resident
        // memory for as long as a table is read, while the page cache
        // stays bounded.
        let connection = try SQLiteConnection(path: location.uri)
        try connection.execute("PRAGMA cache_size=-\(Self.readerCacheKiB)")
        return connection
    }

    /// The stored value of one key, read through the pool.
    func get(_ key: [UInt8]) throws -> [UInt8]? {
        try read { connection in
            let statement = try connection.statement("SELECT v FROM items WHERE k = ?")
            statement.bind(1, key)
            defer { statement.reset() }
            return try statement.step() ? statement.blob(0) : nil
        }
    }

    /// Reads items of `range` in key order (descending if not `forward`)
    /// until `limit` is reached; `page` collects them across partitions.
    /// Returns whether the limit stopped the read; with `peek`, only if
    /// another item of the range follows.
    func read(_ range: KeyRange, forward: Bool, limit: PageLimit, peek: Bool, into page: inout ItemPage) throws -> Bool {
        var conditions: [String] = []
        if let lower = range.lower { conditions.append(lower.inclusive ? "k >= ?" : "k > ?") }
        if let upper = range.upper { conditions.append(upper.inclusive ? "k <= ?" : "k < ?") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT v, size FROM items\(filter) ORDER BY k \(forward ? "ASC" : "DESC")"
        return try read { connection in
            let statement = try connection.statement(sql)
            defer { statement.reset() }
            var index: Int32 = 1
            for bound in [range.lower, range.upper].compactMap({ $0 }) {
                statement.bind(index, bound.key)
                index += 1
            }
            while page.items.count < limit.items, page.bytesRead < limit.bytes {
                guard try statement.step() else { return false }
                let item: Item
                do {
                    item = try ItemEncoding.decode(statement.blob(0))
                } catch {
                    throw DynamoError.internalFailure("A stored item could not be decoded")
                }
                page.append(item, size: statement.int(1))
            }
            return peek ? try statement.step() : true
        }
    }

    /// Waits for queued writes, then closes every connection.
    func close() {
        writer.close()
        checkpointer?.close()
        readers.withLock { pool in
            for connection in pool { connection.close() }
            pool.removeAll()
        }
    }
}

/// Item count and total item size of a partition or table.
public struct PartitionStatistics: Sendable, Equatable {
    public var itemCount = 0
    public var sizeBytes = 0

    public init(itemCount: Int = 0, sizeBytes: Int = 0) {
        self.itemCount = itemCount
        self.sizeBytes = sizeBytes
    }

    mutating func add(_ other: PartitionStatistics) {
        itemCount += other.itemCount
        sizeBytes += other.sizeBytes
    }
}
