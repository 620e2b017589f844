import StrataPostgresWire
import StrataAdmission
import StrataModel

/// The throughput budget all fronts share: a row per table and access in
/// `strata_capacity`, a token bucket kept on the database's own clock, from
/// which each front leases small grants (`LeasedCapacity`).
extension PostgresStorageEngine: SharedCapacity {
    public func lease(_ units: Double, _ access: Access, table: TableDefinition, rate: Double, capacity: Double) async throws -> Double {
        let kind = access == .read ? "read" : "write"
        return try await database.transaction { connection in
            // Milliseconds on the database's clock, which every front shares.
            let clock = "(extract(epoch from clock_timestamp()) * 1000)::BIGINT"
            var create = Statement()
            create.sql = """
                INSERT INTO strata_capacity (table_id, kind, tokens, refreshed)
                VALUES (\(create.bind(table.id)), \(create.bind(kind)), \(create.bind(capacity)), \(clock))
                ON CONFLICT (table_id, kind) DO NOTHING
                """
            _ = try await create.run(on: connection)
            var read = Statement()
            read.sql = """
                SELECT tokens, refreshed, \(clock) FROM strata_capacity
                WHERE table_id = \(read.bind(table.id)) AND kind = \(read.bind(kind)) FOR UPDATE
                """
            guard let row = try await read.run(on: connection).first else { return 0 }
            let (tokens, refreshed, now) = try row.decode((Double, Int, Int).self)
            let available = min(capacity, tokens + rate * Double(max(0, now - refreshed)) / 1000)
            let granted = max(0, min(available, max(units, available / 10)))
            var update = Statement()
            update.sql = """
                UPDATE strata_capacity SET tokens = \(update.bind(available - granted)), refreshed = \(update.bind(max(now, refreshed)))
                WHERE table_id = \(update.bind(table.id)) AND kind = \(update.bind(kind))
                """
            _ = try await update.run(on: connection)
            return granted
        }
    }

    public var liveFronts: Int {
        aliveFronts.load(ordering: .relaxed)
    }
}
