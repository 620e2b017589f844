import StrataModel

/// The catalog database: one row per table, holding its definition as
/// JSON. Creating or deleting a table is one transaction here, so a
/// half-created table never survives a crash.
final class Catalog {
    private let connection: SQLiteConnection

    init(location: DatabaseLocation, durability: StorageOptions.Durability) throws {
        connection = try SQLiteConnection(path: location.uri)
        try FormatVersion.prepare(connection, .catalog, at: location)
        try Partition.configure(connection, location: location, durability: durability)
        try connection.execute("CREATE TABLE IF NOT EXISTS tables(name TEXT PRIMARY KEY, definition TEXT NOT NULL)")
    }

    func load() throws -> [TableDefinition] {
        let statement = try connection.statement("SELECT definition FROM tables ORDER BY name")
        defer { statement.reset() }
        var definitions: [TableDefinition] = []
        while try statement.step() {
            let text = statement.text(0)
            let json = try JSONParser.parse(Array(text.utf8))
            definitions.append(try TableDefinition(json: json))
        }
        return definitions
    }

    /// Inserts or replaces a table's definition.
    func save(_ definition: TableDefinition) throws {
        let statement = try connection.statement("INSERT OR REPLACE INTO tables(name, definition) VALUES (?, ?)")
        statement.bind(1, definition.name)
        statement.bind(2, String(decoding: definition.json.serialized, as: UTF8.self))
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
