import StrataPostgresWire
import StrataModel
import StrataStorage

/// One keyed set of stored items: a table's items, or one index's entries.
/// Each row holds an encoded key, the encoded item and its DynamoDB size.
struct RowSet: Sendable {
    let sqlTable: String
    /// The columns (and values) that pick this set's rows out of `sqlTable`.
    let scope: [(column: String, value: String)]

    static func items(of tableID: String) -> RowSet {
        RowSet(sqlTable: "strata_items", scope: [("table_id", tableID)])
    }

    static func entries(of tableID: String, index storage: String) -> RowSet {
        RowSet(sqlTable: "strata_index_entries", scope: [("table_id", tableID), ("index_id", storage)])
    }

    /// Rows a page reads per round trip when it has no item limit.
    static let chunk = 256

    /// A table's items, whose hot statements are prepared (`ItemStatement`).
    private var itemsTable: String? {
        sqlTable == "strata_items" ? scope[0].value : nil
    }

    func get(_ key: [UInt8], on connection: PostgresConnection) async throws -> StoredItem? {
        if let table = itemsTable {
            return try await ReadItem(table: table, key: key).rows(on: connection).first
        }
        var statement = Statement(self)
        statement.sql = "SELECT item, size FROM \(sqlTable) WHERE \(statement.scopeClause) AND key = \(statement.bind(Bytea(key)))"
        let rows = try await statement.run(on: connection)
        guard let row = rows.first else { return nil }
        let (item, size) = try row.decode((Bytea, Int).self)
        return StoredItem(value: item.bytes, size: size)
    }

    func upsert(_ key: [UInt8], _ item: StoredItem, on connection: PostgresConnection) async throws {
        if let table = itemsTable {
            _ = try await UpsertItem(table: table, key: key, item: item.value, size: item.size).rows(on: connection)
        } else {
            try await upsert([(key, item)], on: connection)
        }
    }

    /// Writes many rows in one statement.
    func upsert(_ rows: [([UInt8], StoredItem)], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        var statement = Statement(self)
        let columns = scope.map(\.column).joined(separator: ", ")
        let scopeValues = scope.map { statement.bind($0.value) }.joined(separator: ", ")
        let values = rows.map { key, item in
            "(\(scopeValues), \(statement.bind(Bytea(key))), \(statement.bind(Bytea(item.value))), \(statement.bind(item.size)))"
        }
        statement.sql = """
            INSERT INTO \(sqlTable) (\(columns), key, item, size) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (\(columns), key) DO UPDATE SET item = excluded.item, size = excluded.size
            """
        _ = try await statement.run(on: connection)
    }

    func delete(_ key: [UInt8], on connection: PostgresConnection) async throws {
        if let table = itemsTable {
            _ = try await DeleteItem(table: table, key: key).rows(on: connection)
            return
        }
        var statement = Statement(self)
        statement.sql = "DELETE FROM \(sqlTable) WHERE \(statement.scopeClause) AND key = \(statement.bind(Bytea(key)))"
        _ = try await statement.run(on: connection)
    }

    /// Reads `range` into `page` in key order until the page's limits;
    /// returns whether it stopped at one with rows left (with `peek`; without, whether it stopped at all).
    func read(
        _ range: KeyRange, forward: Bool, limit: PageLimit, peek: Bool, into page: inout ItemPage,
        on connection: PostgresConnection
    ) async throws -> Bool {
        var range = range
        while true {
            let wanted = min(limit.items - page.items.count, Self.chunk)
            // One row more than wanted says whether any are left.
            let rows = try await keyed(range, forward: forward, limit: wanted + 1, on: connection)
            var consumed = 0
            for row in rows.prefix(wanted) {
                page.append(StoredItem(value: row.item, size: row.size))
                consumed += 1
                if page.items.count >= limit.items || page.bytesRead >= limit.bytes {
                    return peek ? rows.count > consumed : true
                }
            }
            guard rows.count > wanted, let last = rows.prefix(wanted).last else { return false }
            range.resume(after: last.key, forward: forward)
        }
    }

    /// Up to `limit` rows of `range` in key order, with their keys.
    func keyed(
        _ range: KeyRange, forward: Bool = true, limit: Int, on connection: PostgresConnection
    ) async throws -> [(key: [UInt8], item: [UInt8], size: Int)] {
        var statement = Statement(self)
        let conditions = statement.conditions(within: range)
        statement.sql = """
            SELECT key, item, size FROM \(sqlTable) WHERE \(conditions)
            ORDER BY key \(forward ? "ASC" : "DESC") LIMIT \(statement.bind(limit))
            """
        return try await statement.run(on: connection).map { row in
            let (key, item, size) = try row.decode((Bytea, Bytea, Int).self)
            return (key.bytes, item.bytes, size)
        }
    }

    /// The rows and bytes in `range` (all rows if nil).
    func statistics(in range: KeyRange? = nil, on connection: PostgresConnection) async throws -> PartitionStatistics {
        var statement = Statement(self)
        let conditions = statement.conditions(within: range ?? KeyRange())
        statement.sql = "SELECT count(*), coalesce(sum(size), 0)::BIGINT FROM \(sqlTable) WHERE \(conditions)"
        guard let row = try await statement.run(on: connection).first else { return PartitionStatistics() }
        let (count, bytes) = try row.decode((Int, Int).self)
        return PartitionStatistics(itemCount: count, sizeBytes: bytes)
    }

    /// Deletes up to `limit` rows; returns how many.
    func deleteSome(limit: Int, on connection: PostgresConnection) async throws -> Int {
        var statement = Statement(self)
        let scopeClause = statement.scopeClause
        statement.sql = """
            DELETE FROM \(sqlTable) WHERE \(scopeClause) AND key IN
            (SELECT key FROM \(sqlTable) WHERE \(scopeClause) ORDER BY key LIMIT \(statement.bind(limit)))
            """
        return try await statement.execute(on: connection)
    }
}

/// SQL with numbered parameters, built a clause at a time.
struct Statement {
    var sql = ""
    private var bindings = PostgresBindings()
    /// `column = $n AND …` over the set's scope, bound once.
    private(set) var scopeClause = ""

    init(_ rows: RowSet) {
        scopeClause = rows.scope.map { "\($0.column) = \(bind($0.value))" }.joined(separator: " AND ")
    }

    init() {}

    /// The scope and the key bounds of `range`, bound.
    mutating func conditions(within range: KeyRange) -> String {
        var conditions = [scopeClause]
        if let lower = range.lower { conditions.append("key \(lower.inclusive ? ">=" : ">") \(bind(Bytea(lower.key)))") }
        if let upper = range.upper { conditions.append("key \(upper.inclusive ? "<=" : "<") \(bind(Bytea(upper.key)))") }
        return conditions.joined(separator: " AND ")
    }

    /// Binds a value; returns its placeholder.
    mutating func bind<Value: PostgresEncodable & Sendable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// Binds a value or NULL; returns its placeholder.
    mutating func bind<Value: PostgresEncodable & Sendable>(_ value: Value?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    func run(on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query(sql, bindings)
    }

    /// Runs a statement that returns no rows; returns the rows it changed.
    func execute(on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(sql + " RETURNING 1", bindings)
        return rows.count
    }
}
