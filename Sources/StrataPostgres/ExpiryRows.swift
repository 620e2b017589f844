import StrataPostgresWire
import StrataModel

/// When each item of a table with time to live expires, so that a sweep
/// finds the due ones without reading the table.
enum ExpiryRows {
    /// Records the item's expiry (nil: it has none) in the write's transaction.
    static func set(table: String, key: [UInt8], expiresAt seconds: Int?, on connection: PostgresConnection) async throws {
        var statement = Statement()
        if let seconds {
            statement.sql = """
                INSERT INTO strata_expiries (table_id, key, expires) VALUES (\(statement.bind(table)), \(statement.bind(Bytea(key))), \(statement.bind(seconds)))
                ON CONFLICT (table_id, key) DO UPDATE SET expires = excluded.expires
                """
        } else {
            statement.sql = "DELETE FROM strata_expiries WHERE table_id = \(statement.bind(table)) AND key = \(statement.bind(Bytea(key)))"
        }
        _ = try await statement.run(on: connection)
    }

    /// Keys of up to `limit` items whose expiry lies in `window`, soonest first.
    static func due(table: String, in window: ClosedRange<Int>, limit: Int, on connection: PostgresConnection) async throws -> [[UInt8]] {
        var statement = Statement()
        statement.sql = """
            SELECT key FROM strata_expiries WHERE table_id = \(statement.bind(table))
            AND expires >= \(statement.bind(window.lowerBound)) AND expires <= \(statement.bind(window.upperBound))
            ORDER BY expires LIMIT \(statement.bind(limit))
            """
        return try await statement.run(on: connection).map { try $0.decode(Bytea.self).bytes }
    }

    static func removeAll(table: String, on connection: PostgresConnection) async throws {
        var statement = Statement()
        statement.sql = "DELETE FROM strata_expiries WHERE table_id = \(statement.bind(table))"
        _ = try await statement.run(on: connection)
    }
}
