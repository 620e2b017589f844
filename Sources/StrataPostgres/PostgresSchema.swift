import StrataPostgresWire

/// The one fixed schema every DynamoDB table lives in: CreateTable writes
/// rows, never DDL. Keys are `bytea` in Strata's memcmp order
/// (`KeyEncoding`: 8 bytes of the partition-key hash first, so that the
/// leading 16 bits order a Scan and split its segments), items are in
/// Strata's binary encoding (`ItemEncoding`).
enum PostgresSchema {
    /// Raised with every change to the statements below. Start-up brings
    /// an older database up to it (`upgrades`) and refuses a newer one.
    static let version = 2

    struct VersionMismatch: Error, CustomStringConvertible {
        let found: Int
        var description: String {
            "The database holds Strata schema version \(found); this Strata knows version \(PostgresSchema.version)"
        }
    }

    static func statements(_ dialect: PostgresDialect) -> [String] {
        [
            // One row: the schema version, and a counter every catalog change raises so that other fronts reload.
            "CREATE TABLE IF NOT EXISTS strata_schema (id INT NOT NULL, version INT NOT NULL, catalog_version BIGINT NOT NULL, \(dialect.primaryKey(["id"])))",
            "CREATE TABLE IF NOT EXISTS strata_tables (name TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, version BIGINT NOT NULL, \(dialect.primaryKey(["name"])))",
            // `replaced`: the size of the item the last replacing put overwrote, which that put returns (`ReplaceIfTableUnchanged`).
            "CREATE TABLE IF NOT EXISTS strata_items (table_id TEXT NOT NULL, key BYTEA NOT NULL, item BYTEA NOT NULL, size INT NOT NULL, replaced INT, \(dialect.primaryKey(["table_id", "key"])))",
            // Local and global index entries, keyed as `IndexKeyEncoding` lays them out; `index_id` is the index's storage name.
            "CREATE TABLE IF NOT EXISTS strata_index_entries (table_id TEXT NOT NULL, index_id TEXT NOT NULL, key BYTEA NOT NULL, item BYTEA NOT NULL, size INT NOT NULL, \(dialect.primaryKey(["table_id", "index_id", "key"])))",
            "CREATE TABLE IF NOT EXISTS strata_expiries (table_id TEXT NOT NULL, key BYTEA NOT NULL, expires BIGINT NOT NULL, \(dialect.primaryKey(["table_id", "key"])))",
            "CREATE INDEX IF NOT EXISTS strata_expiries_due ON strata_expiries (table_id, expires)",
            // A shard's row is locked by each record's sequence claim, so sequence order is commit order.
            "CREATE TABLE IF NOT EXISTS strata_stream_shards (table_id TEXT NOT NULL, shard INT NOT NULL, next_seq BIGINT NOT NULL, trimmed_through BIGINT NOT NULL, \(dialect.primaryKey(["table_id", "shard"])))",
            "CREATE TABLE IF NOT EXISTS strata_stream_records (table_id TEXT NOT NULL, shard INT NOT NULL, seq BIGINT NOT NULL, generation INT NOT NULL, at BIGINT NOT NULL, event SMALLINT NOT NULL, origin SMALLINT NOT NULL, keys BYTEA NOT NULL, old BYTEA, new BYTEA, \(dialect.primaryKey(["table_id", "shard", "seq"])))",
            "CREATE TABLE IF NOT EXISTS strata_client_tokens (token TEXT NOT NULL, fingerprint BYTEA NOT NULL, created BIGINT NOT NULL, \(dialect.primaryKey(["token"])))",
            // Background jobs (time to live, stream trimming, index backfill, table removal): one front holds each.
            "CREATE TABLE IF NOT EXISTS strata_leases (job TEXT NOT NULL, holder TEXT NOT NULL, expires BIGINT NOT NULL, \(dialect.primaryKey(["job"])))",
            "CREATE TABLE IF NOT EXISTS strata_fronts (front_id TEXT NOT NULL, heartbeat BIGINT NOT NULL, \(dialect.primaryKey(["front_id"])))",
            // Each table's shared throughput: fronts lease tokens from these rows in small grants.
            "CREATE TABLE IF NOT EXISTS strata_capacity (table_id TEXT NOT NULL, kind TEXT NOT NULL, tokens DOUBLE PRECISION NOT NULL, refreshed BIGINT NOT NULL, \(dialect.primaryKey(["table_id", "kind"])))",
            // Deleted tables whose rows the background still removes.
            "CREATE TABLE IF NOT EXISTS strata_dropped_tables (table_id TEXT NOT NULL, dropped BIGINT NOT NULL, \(dialect.primaryKey(["table_id"])))",
        ]
    }

    /// What brings a database of version N (the key) to N + 1. Each step
    /// may run again (fronts that start together all try it), and the
    /// version is raised after it, so that an interrupted step runs again.
    static let upgrades: [Int: [String]] = [
        1: ["ALTER TABLE strata_items ADD COLUMN IF NOT EXISTS replaced INT"],
    ]

    /// Creates what is missing, or upgrades an older schema, and checks the
    /// version; the schema's row is written last, so that a half-made
    /// schema is made again. Fronts that start together on a new database
    /// race to create the same tables, and `IF NOT EXISTS` does not keep
    /// the loser from an error (a duplicate in PostgreSQL's own catalog):
    /// the loser tries again, and finds what the winner made.
    static func migrate(on connection: PostgresConnection, dialect: PostgresDialect, schema: String?) async throws {
        var attempt = 0
        while true {
            do {
                return try await migrateOnce(on: connection, dialect: dialect, schema: schema)
            } catch let error as ServerError where lostCreationRace(error) && attempt < 10 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(10 * attempt))))
            }
        }
    }

    /// Duplicates of a schema, table, type or index, or a serialization
    /// failure (CockroachDB's schema changes), from a concurrent creation.
    private static func lostCreationRace(_ error: ServerError) -> Bool {
        ["23505", "42P06", "42P07", "42710", "40001"].contains(error.sqlState)
    }

    private static func migrateOnce(on connection: PostgresConnection, dialect: PostgresDialect, schema: String?) async throws {
        // The name was checked to be a plain identifier (`PostgresLocation`).
        if let schema { try await connection.simpleQuery("CREATE SCHEMA IF NOT EXISTS \(schema)") }
        if var found = try await installedVersion(on: connection) {
            while found < version, let steps = upgrades[found] {
                for step in steps { try await connection.simpleQuery(step) }
                try await connection.simpleQuery("UPDATE strata_schema SET version = \(found + 1) WHERE id = 0 AND version = \(found)")
                found += 1
            }
            guard found == version else { throw VersionMismatch(found: found) }
            return
        }
        for statement in statements(dialect) {
            try await connection.simpleQuery(statement)
        }
        try await connection.simpleQuery("INSERT INTO strata_schema (id, version, catalog_version) VALUES (0, \(version), 0) ON CONFLICT (id) DO NOTHING")
        if let found = try await installedVersion(on: connection), found != version { throw VersionMismatch(found: found) }
    }

    /// The version the database holds, or nil if it has no schema yet.
    static func installedVersion(on connection: PostgresConnection) async throws -> Int? {
        let exists = try await connection.query(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'strata_schema' AND table_schema = current_schema()")
        guard let count = try exists.first?.decode(Int.self), count > 0 else { return nil }
        let rows = try await connection.query("SELECT version FROM strata_schema WHERE id = 0")
        return try rows.first?.decode(Int.self)
    }
}
