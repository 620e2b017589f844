import StrataPostgresWire
import StrataStorage

/// The statements every item request runs, prepared once per connection so
/// that the database parses and plans them once: planning was half of the
/// database's time per PutItem before (Benchmarks/postgres).
protocol ItemStatement {
    associatedtype Row
    static var sql: String { get }
    var bindings: PostgresBindings { get }
    func decodeRow(_ row: PostgresRow) throws -> Row
}

extension ItemStatement {
    /// Runs the statement; returns its rows.
    func rows(on connection: PostgresConnection) async throws -> [Row] {
        try await connection.execute(prepared: Self.sql, bindings).map(decodeRow)
    }
}

/// Bindings from values, in order.
private func bind(_ values: any PostgresEncodable & Sendable...) -> PostgresBindings {
    var bindings = PostgresBindings(capacity: values.count)
    for value in values { bindings.append(value) }
    return bindings
}

/// An item and its size.
struct ReadItem: ItemStatement {
    static let sql = "SELECT item, size FROM strata_items WHERE table_id = $1 AND key = $2"
    typealias Row = StoredItem
    let bindings: PostgresBindings

    init(table: String, key: [UInt8]) {
        bindings = bind(table, Bytea(key))
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (item, size) = try row.decode((Bytea, Int).self)
        return StoredItem(value: item.bytes, size: size)
    }
}

/// The table's version and the item (if any), in one round trip: what a write reads.
struct ReadForWrite: ItemStatement {
    static let sql = """
        SELECT t.version, i.item, i.size FROM strata_tables t
        LEFT JOIN strata_items i ON i.table_id = t.id AND i.key = $3
        WHERE t.name = $1 AND t.id = $2
        """
    typealias Row = (Int, Bytea?, Int?)
    let bindings: PostgresBindings

    init(name: String, table: String, key: [UInt8]) {
        bindings = bind(name, table, Bytea(key))
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The table's version, if it still exists under this name and id.
struct ReadTableVersion: ItemStatement {
    static let sql = "SELECT version FROM strata_tables WHERE name = $1 AND id = $2"
    typealias Row = Int
    let bindings: PostgresBindings

    init(name: String, table: String) {
        bindings = bind(name, table)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

struct UpsertItem: ItemStatement {
    static let sql = """
        INSERT INTO strata_items (table_id, key, item, size) VALUES ($1, $2, $3, $4)
        ON CONFLICT (table_id, key) DO UPDATE SET item = excluded.item, size = excluded.size
        """
    typealias Row = Void
    let bindings: PostgresBindings

    init(table: String, key: [UInt8], item: [UInt8], size: Int) {
        bindings = bind(table, Bytea(key), Bytea(item), size)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

/// Stores an item whatever was there, if the table still has the version
/// read ($5/$6, its name and version): one round trip for a write that
/// needs nothing of the current item but its size. A row if it wrote,
/// holding the size of the item it replaced (nil: there was none). That
/// size comes back through the row's `replaced` column, which the update
/// sets from the row it overwrites: reading it beside the write cost the
/// database a quarter of the statement's rate (Benchmarks/postgres).
struct ReplaceIfTableUnchanged: ItemStatement {
    static let sql = """
        INSERT INTO strata_items (table_id, key, item, size) SELECT $1, $2, $3, $4
        WHERE EXISTS (SELECT 1 FROM strata_tables WHERE name = $5 AND id = $1 AND version = $6)
        ON CONFLICT (table_id, key) DO UPDATE SET item = excluded.item, size = excluded.size, replaced = strata_items.size
        RETURNING replaced
        """
    typealias Row = Int?
    let bindings: PostgresBindings

    init(table: String, key: [UInt8], item: [UInt8], size: Int, name: String, version: Int) {
        bindings = bind(table, Bytea(key), Bytea(item), size, name, version)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `ReplaceIfTableUnchanged` for many items of one table at once
/// (`ReplaceBatcher`): the keys, items and sizes come as three arrays,
/// each key at most once (an upsert may not touch a row twice). A row for
/// each item written, with its key: none if the table changed.
struct ReplaceManyIfTableUnchanged: ItemStatement {
    static let sql = """
        INSERT INTO strata_items (table_id, key, item, size)
        SELECT $1, put.key, put.item, put.size FROM unnest($2::bytea[], $3::bytea[], $4::int[]) AS put(key, item, size)
        WHERE EXISTS (SELECT 1 FROM strata_tables WHERE name = $5 AND id = $1 AND version = $6)
        ON CONFLICT (table_id, key) DO UPDATE SET item = excluded.item, size = excluded.size, replaced = strata_items.size
        RETURNING key, replaced
        """
    typealias Row = (key: [UInt8], replaced: Int?)
    let bindings: PostgresBindings

    init(table: String, keys: [[UInt8]], items: [[UInt8]], sizes: [Int], name: String, version: Int) {
        bindings = bind(
            table, PostgresArray(keys.map(Bytea.init)), PostgresArray(items.map(Bytea.init)), PostgresArray(sizes.map { Int32($0) }),
            name, version)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (key, replaced) = try row.decode((Bytea, Int?).self)
        return (key.bytes, replaced)
    }
}

struct DeleteItem: ItemStatement {
    static let sql = "DELETE FROM strata_items WHERE table_id = $1 AND key = $2"
    typealias Row = Void
    let bindings: PostgresBindings

    init(table: String, key: [UInt8]) {
        bindings = bind(table, Bytea(key))
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}

// The compare-and-set writes: each writes only if the item is still what
// was read and the table's row still has the version read ($5/$6 on, the
// name and version), and returns a row if it wrote.

struct InsertIfAbsent: ItemStatement {
    static let sql = """
        INSERT INTO strata_items (table_id, key, item, size) SELECT $1, $2, $3, $4
        WHERE EXISTS (SELECT 1 FROM strata_tables WHERE name = $5 AND id = $1 AND version = $6)
        ON CONFLICT (table_id, key) DO NOTHING RETURNING 1
        """
    typealias Row = Int
    let bindings: PostgresBindings

    init(table: String, key: [UInt8], item: [UInt8], size: Int, name: String, version: Int) {
        bindings = bind(table, Bytea(key), Bytea(item), size, name, version)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

struct ReplaceIfUnchanged: ItemStatement {
    static let sql = """
        UPDATE strata_items SET item = $3, size = $4 WHERE table_id = $1 AND key = $2 AND item = $7
        AND EXISTS (SELECT 1 FROM strata_tables WHERE name = $5 AND id = $1 AND version = $6) RETURNING 1
        """
    typealias Row = Int
    let bindings: PostgresBindings

    init(table: String, key: [UInt8], item: [UInt8], size: Int, name: String, version: Int, old: [UInt8]) {
        bindings = bind(table, Bytea(key), Bytea(item), size, name, version, Bytea(old))
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

struct DeleteIfUnchanged: ItemStatement {
    static let sql = """
        DELETE FROM strata_items WHERE table_id = $1 AND key = $2 AND item = $5
        AND EXISTS (SELECT 1 FROM strata_tables WHERE name = $3 AND id = $1 AND version = $4) RETURNING 1
        """
    typealias Row = Int
    let bindings: PostgresBindings

    init(table: String, key: [UInt8], name: String, version: Int, old: [UInt8]) {
        bindings = bind(table, Bytea(key), name, version, Bytea(old))
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
