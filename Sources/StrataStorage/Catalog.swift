import StrataModel

/// The catalog database: one row per table, holding its record as JSON. Creating or deleting a table is one transaction here, so a
/// half-created table never survives a crash.
final class Catalog {
    private let connection: SQLiteConnection

    init(location: DatabaseLocation, durability: StorageOptions.Durability) throws {
        connection = try SQLiteConnection(location)
        try FormatVersion.prepare(connection, .catalog, at: location, durability: durability)
        try connection.execute("CREATE TABLE IF NOT EXISTS tables(name TEXT PRIMARY KEY, definition TEXT NOT NULL)")
    }

    func load() throws -> [CatalogRecord] {
        let statement = try connection.statement("SELECT definition FROM tables ORDER BY name")
        defer { statement.reset() }
        var records: [CatalogRecord] = []
        while try statement.step() {
            let text = statement.text(0)
            let json = try JSONParser.parse(Array(text.utf8))
            records.append(try CatalogRecord(json: json))
        }
        return records
    }

    /// Inserts or replaces a table's record.
    func save(_ record: CatalogRecord) throws {
        let statement = try connection.statement("INSERT OR REPLACE INTO tables(name, definition) VALUES (?, ?)")
        statement.bind(1, record.definition.name)
        statement.bind(2, String(decoding: record.json.serialized, as: UTF8.self))
        try statement.run()
    }

    func remove(named name: String) throws {
        let statement = try connection.statement("DELETE FROM tables WHERE name = ?")
        statement.bind(1, name)
        try statement.run()
    }

    func close() {
        connection.close()
    }
}
