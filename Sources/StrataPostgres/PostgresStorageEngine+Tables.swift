import StrataPostgresWire
import StrataModel
import StrataStorage

/// The control plane: a table is a row of `strata_tables` holding its
/// catalog record, and every change raises the row's version and the
/// catalog's, which is how writes and other fronts learn of it.
extension PostgresStorageEngine {
    public func createTable(_ definition: TableDefinition) async throws -> TableDefinition {
        var record = CatalogRecord(definition: definition, partitionCount: options.partitionsPerTable)
        for index in definition.globalIndexes { record.indexStorage[index.name] = Self.newIndexStorage() }
        let created = record
        let layout = try await translating {
            try await database.transaction { connection in
                if try await Self.currentLayout(named: definition.name, on: connection) != nil {
                    throw DynamoError.resourceInUse("Table already exists: \(definition.name)")
                }
                var insert = Statement()
                insert.sql = """
                    INSERT INTO strata_tables (name, id, record, version)
                    VALUES (\(insert.bind(definition.name)), \(insert.bind(definition.id)), \(insert.bind(Self.text(of: created))), 1)
                    """
                _ = try await insert.run(on: connection)
                try await StreamRows.createShards(table: definition.id, count: created.partitionCount, on: connection)
                try await Self.bumpCatalogVersion(on: connection)
                return TableLayout(record: created, version: 1)
            }
        }
        catalog.withLock { $0.store(layout) }
        return definition
    }

    /// A fresh storage name for a global index's entries, so that an index
    /// deleted and made again under its old name never meets old entries.
    static func newIndexStorage() -> String {
        var generator = SystemRandomNumberGenerator()
        return "g" + String(generator.next() as UInt64, radix: 36)
    }

    public func updateTable(named name: String, _ change: (inout TableDefinition) throws -> Void) async throws -> TableDefinition {
        let tableName = try layout(named: name).definition.name
        while true {
            // Read, change here (`change` may not leave this call), then
            // write only if nobody changed the row meanwhile.
            guard let current = try await translating({
                try await database.withConnection { try await Self.currentLayout(named: tableName, on: $0) }
            }) else {
                throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
            }
            var record = current.record
            try change(&record.definition)
            let expiryChanged = Self.prepareWork(&record, before: current.definition)
            let changed = record
            let saved = try await translating {
                try await database.transaction { connection -> TableLayout? in
                    var update = Statement()
                    update.sql = """
                        UPDATE strata_tables SET record = \(update.bind(Self.text(of: changed))), version = version + 1
                        WHERE name = \(update.bind(tableName)) AND version = \(update.bind(current.version))
                        """
                    guard try await update.execute(on: connection) == 1 else { return nil }
                    try await Self.bumpCatalogVersion(on: connection)
                    return TableLayout(record: changed, version: current.version + 1)
                }
            }
            guard let saved else { continue }
            catalog.withLock { $0.store(saved) }
            if expiryChanged {
                let table = saved.definition.name
                Task { await self.fillExpiries(of: table) }
            }
            return saved.definition
        }
    }

    /// Gives global indexes new in `record` their status and storage (their
    /// backfill, and the removal of those marked DELETING, is the index
    /// job's: `PostgresStorageEngine+Background`); returns whether time to
    /// live changed, so that every item's expiry is recorded again.
    static func prepareWork(_ record: inout CatalogRecord, before: TableDefinition) -> Bool {
        for position in record.definition.globalIndexes.indices {
            let index = record.definition.globalIndexes[position]
            guard !before.globalIndexes.contains(where: { $0.name == index.name }) else { continue }
            record.definition.globalIndexes[position].status = .creating
            if index.backfilling == nil { record.definition.globalIndexes[position].backfilling = true }
            record.indexStorage[index.name] = newIndexStorage()
        }
        return record.definition.timeToLiveAttribute != before.timeToLiveAttribute
    }

    public func deleteTable(named name: String) async throws -> TableDefinition {
        let tableName = try layout(named: name).definition.name
        let removed = try await translating {
            try await database.transaction { connection -> TableLayout in
                guard let current = try await Self.currentLayout(named: tableName, on: connection) else {
                    throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
                }
                var delete = Statement()
                delete.sql = "DELETE FROM strata_tables WHERE name = \(delete.bind(tableName))"
                _ = try await delete.run(on: connection)
                var drop = Statement()
                drop.sql = "INSERT INTO strata_dropped_tables (table_id, dropped) VALUES (\(drop.bind(current.id)), \(drop.bind(Int(self.options.now()))))"
                _ = try await drop.run(on: connection)
                try await Self.bumpCatalogVersion(on: connection)
                return current
            }
        }
        catalog.withLock { $0.remove(tableName, id: removed.id) }
        return removed.definition
    }

    public func statistics(ofTable name: String) async throws -> PartitionStatistics {
        let layout = try layout(named: name)
        let statistics = try await translating {
            try await database.withConnection { try await layout.items.statistics(on: $0) }
        }
        lastStatistics.withLock { $0[layout.definition.name] = statistics }
        return statistics
    }

    public func indexStatistics(ofTable name: String) async throws -> [String: PartitionStatistics] {
        let layout = try layout(named: name)
        return try await translating {
            try await database.withConnection { connection in
                var statistics: [String: PartitionStatistics] = [:]
                for index in layout.locals + layout.globals {
                    statistics[index.definition.name] = try await index.rows.statistics(on: connection)
                }
                return statistics
            }
        }
    }
}
