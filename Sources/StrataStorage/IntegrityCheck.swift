import StrataModel

extension SQLiteStorageEngine {
    /// Checks every file of this engine while it runs (see `IntegrityCheck`).
    /// A table deleted during the check may show up as a file that cannot
    /// be read.
    public func checkIntegrity() throws -> IntegrityReport {
        let tables = tables.withLock { tables in
            tables.entries.values.map { entry in
                IntegrityCheck.Table(
                    definition: entry.definition, partitions: entry.store.partitions.map(\.location),
                    indexPartitions: Dictionary(uniqueKeysWithValues: entry.indexing.current.globals.map {
                        ($0.definition.name, $0.store.partitions.map(\.location))
                    }),
                    directory: options.dataDirectory.map { DataDirectory(path: $0).table(id: entry.definition.id) })
            }
        }
        var check = IntegrityCheck()
        _ = check.catalog(at: catalogLocation)
        for table in tables.sorted(by: { $0.definition.name < $1.definition.name }) {
            check.table(table)
        }
        check.transactionLog(at: transactionLogLocation)
        return check.report
    }

    /// Checks the data directory of a stopped server without opening an
    /// engine on it: it only reads, so it neither applies transactions a
    /// crash left pending nor stamps versions nor removes anything (SQLite
    /// may leave empty -wal and -shm files beside a database it read).
    /// Throws if `path` holds no catalog.
    public static func checkIntegrity(ofDataDirectory path: String) throws -> IntegrityReport {
        let files = DataDirectory(path: path)
        guard FileSystem.exists(path) else {
            throw NotADataDirectory(path: path, reason: "it does not exist")
        }
        guard FileSystem.exists(files.catalog) else {
            throw NotADataDirectory(path: path, reason: "it has no catalog.sqlite")
        }
        // A running server holds its files locked: the check refuses its
        // directory at once rather than wait on every file.
        let lock = FileSystem.exists(files.lock) ? try DirectoryLock(path: files.lock, directory: path) : nil
        defer { lock?.release() }
        var check = IntegrityCheck()
        for record in check.catalog(at: .file(files.catalog)) {
            let id = record.definition.id
            let partitions = (0..<record.partitionCount).map { DatabaseLocation.file(files.partition($0, ofTable: id)) }
            let indexPartitions = record.indexStorage.mapValues { storage in
                (0..<record.partitionCount).map { DatabaseLocation.file(files.partition($0, ofIndex: storage, table: id)) }
            }
            check.table(IntegrityCheck.Table(
                definition: record.definition, partitions: partitions, indexPartitions: indexPartitions, directory: files.table(id: id)))
        }
        check.transactionLog(at: .file(files.transactionLog))
        return check.report
    }
}

/// A directory the integrity check cannot check.
public struct NotADataDirectory: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "\(path) is not a Strata data directory: \(reason)" }
}

/// Reads database files and notes what is wrong with them: SQLite's own
/// check and the format version of every file, the catalog's definitions,
/// and for each partition that every item is where the engine would look
/// for it, decodes, has the size recorded beside it, and that the
/// partition's statistics add up; and that every secondary index holds
/// exactly the entries its table's items imply.
///
/// A global index may trail its table by the changes its table's
/// partitions logged but have not recorded as propagated; the check
/// applies those to what the index holds before it compares, as a start
/// of the server would (the item as it stands, less the old entries).
///
/// A partition's file is created by its first write, so a table's
/// directory may hold fewer files than it has partitions: a partition with
/// no file, or whose file has no tables yet (its creating write never
/// committed), holds no items. A table without its directory is a finding.
///
/// Each file is read on a read-only connection of its own inside one read
/// transaction, so that everything read from it is one committed state,
/// even while a writer commits. A file that cannot be read is a finding:
/// the check goes on with the others.
struct IntegrityCheck {
    struct Table {
        let definition: TableDefinition
        let partitions: [DatabaseLocation]
        /// Each global index's partitions, by index name.
        let indexPartitions: [String: [DatabaseLocation]]
        /// Where its partition files are; nil in memory.
        let directory: String?
    }

    /// Item findings listed per partition; the rest are only counted, so
    /// that a ruined file does not bury the other findings.
    static let itemFindingsPerPartition = 100

    private(set) var report = IntegrityReport()

    /// Checks the catalog; returns the records that decode.
    mutating func catalog(at location: DatabaseLocation) -> [CatalogRecord] {
        var records: [CatalogRecord] = []
        inspect(location, .catalog) { check, connection in
            let statement = try connection.statement("SELECT name, definition FROM tables ORDER BY name")
            defer { statement.reset() }
            while try statement.step() {
                let name = statement.text(0)
                guard let record = try? CatalogRecord(json: JSONParser.parse(Array(statement.text(1).utf8))) else {
                    check.note(location, "the definition of table \(name) does not decode")
                    continue
                }
                if record.definition.name != name {
                    check.note(location, "the row of table \(name) holds the definition of table \(record.definition.name)")
                }
                records.append(record)
            }
        }
        return records
    }

    mutating func table(_ table: Table) {
        report.tables += 1
        report.partitions += table.partitions.count
        if let directory = table.directory, !FileSystem.isDirectory(directory) {
            note(directory, "the directory of table \(table.definition.name) is missing")
            return
        }
        var expected = ExpectedEntries(table.definition)
        for (index, location) in table.partitions.enumerated() {
            if case .file(let path) = location, !FileSystem.exists(path) { continue }
            inspect(location, .partition) { check, connection in
                try check.items(of: table, inPartition: index, connection: connection, location: location, expected: &expected)
            }
        }
        for index in table.definition.globalIndexes where index.status == .active {
            globalIndex(index, of: table, expected: &expected)
        }
    }

    /// Compares a global index's partitions with the entries the table's
    /// items imply, once the logged changes are applied to them.
    private mutating func globalIndex(_ index: IndexDefinition, of table: Table, expected: inout ExpectedEntries) {
        guard let locations = table.indexPartitions[index.name] else {
            note(table.definition.name, "global index \(index.name) has no partitions in the catalog")
            return
        }
        var stored: ExpectedEntries.Entries.Value = [:]
        for (position, location) in locations.enumerated() {
            if case .file(let path) = location, !FileSystem.exists(path) { continue }
            inspect(location, .partition) { check, connection in
                let schema = try connection.statement("SELECT count(*) FROM sqlite_master")
                defer { schema.reset() }
                if try schema.step(), schema.int(0) == 0 { return }
                let entries = try Self.entries(in: ItemsTable.items, on: connection)
                var bytes = 0
                for (key, entry) in entries {
                    let owner = PartitionHash.partition(of: KeyEncoding.hash(ofEncoded: key), count: locations.count)
                    if owner != position {
                        check.note(location, "entry \(Self.hex(key)) of index \(index.name) hashes into partition \(owner), not \(position)")
                    }
                    bytes += entry?.itemSize ?? 0
                    stored[key] = entry
                                    }
                let statistics = try ItemsTable.statistics(on: connection)
                if statistics.itemCount != entries.count || statistics.sizeBytes != bytes {
                    check.note(location, "its statistics say \(statistics.itemCount) entries of \(statistics.sizeBytes) bytes, but it holds \(entries.count) of \(bytes)")
                }
            }
        }
        for (name, mutation) in expected.unapplied where name == index.name {
            switch mutation {
            case .put(let key, let entry): stored[key] = try? entry.item()
            case .delete(let key): stored[key] = nil
            }
        }
        compare(stored, with: expected.globals[index.name] ?? [:], index: index.name, location: locations.first ?? .memory(name: index.name))
    }

    /// Notes entries that differ between what an index holds and what it should.
    private mutating func compare(
        _ stored: ExpectedEntries.Entries.Value, with expected: ExpectedEntries.Entries.Value, index: String, location: DatabaseLocation
    ) {
        var problems: [String] = []
        for (key, entry) in stored {
            guard let entry else {
                problems.append("entry \(Self.hex(key)) of index \(index) does not decode")
                continue
            }
            if let wanted = expected[key] {
                if wanted != entry { problems.append("entry \(Self.hex(key)) of index \(index) differs from its item's projection") }
            } else {
                problems.append("entry \(Self.hex(key)) of index \(index) belongs to no item")
            }
        }
        for key in expected.keys where stored[key] == nil {
            problems.append("index \(index) lacks the entry \(Self.hex(key)) of an item")
        }
        for problem in problems.prefix(Self.itemFindingsPerPartition) { note(location, problem) }
        if problems.count > Self.itemFindingsPerPartition {
            note(location, "and \(problems.count - Self.itemFindingsPerPartition) more problems with index \(index)")
        }
    }

    /// Every entry of an index table, decoded (nil where it does not decode).
    private static func entries(in sqlTable: String, on connection: SQLiteConnection) throws -> [[UInt8]: Item?] {
        let statement = try connection.statement("SELECT k, v FROM \(sqlTable)")
        defer { statement.reset() }
        var entries: [[UInt8]: Item?] = [:]
        while try statement.step() { entries[statement.blob(0)] = .some(try? ItemEncoding.decode(statement.blob(1))) }
        return entries
    }

    mutating func transactionLog(at location: DatabaseLocation) {
        inspect(location, .transactionLog) { _, _ in }
    }

    private mutating func items(
        of table: Table, inPartition index: Int, connection: SQLiteConnection, location: DatabaseLocation,
        expected: inout ExpectedEntries
    ) throws {
        let schema = try connection.statement("SELECT count(*) FROM sqlite_master")
        defer { schema.reset() }
        if try schema.step(), schema.int(0) == 0 { return }
        var localEntries = ExpectedEntries.Entries()
        let statement = try connection.statement("SELECT id, k, v, size FROM items")
        defer { statement.reset() }
        var count = 0, bytes = 0
        var problems: [String] = [], unlisted = 0
        while try statement.step() {
            let key = statement.blob(1), size = statement.int(3)
            count += 1
            bytes += size
            let label = "item \(statement.int(0)) (key \(Self.hex(key)))"
            var found: [String] = []
            let owner = PartitionHash.partition(of: KeyEncoding.hash(ofEncoded: key), count: table.partitions.count)
            if owner != index {
                found.append("\(label) hashes into partition \(owner) of \(table.partitions.count), not into this one (\(index))")
            }
            if let item = try? ItemEncoding.decode(statement.blob(2)) {
                expected.add(item, key: key, locals: &localEntries)
                if item.itemSize != size {
                    found.append("\(label) is recorded as \(size) bytes, but its item has \(item.itemSize)")
                }
                if Self.encodedKey(of: item, schema: table.definition.keySchema) != key {
                    found.append("\(label) is stored under another key than its key attributes give")
                }
            } else {
                found.append("\(label) does not decode")
            }
            for problem in found {
                if problems.count < Self.itemFindingsPerPartition { problems.append(problem) } else { unlisted += 1 }
            }
        }
        for problem in problems { note(location, problem) }
        if unlisted > 0 { note(location, "and \(unlisted) more problems with items") }
        for (position, local) in table.definition.localIndexes.enumerated() {
            let stored = try Self.entries(in: TableIndexing.localTable(position), on: connection)
            compare(stored, with: localEntries[local.name] ?? [:], index: local.name, location: location)
        }
        for row in try ChangeLogTable.unapplied(on: connection) {
            let current = try ItemsTable.stored(row.key, on: connection).map { try $0.item() }
            expected.unapplied += IndexMutation.replay(
                oldEntries: row.oldEntries, current: current, tableKey: row.key,
                indexes: table.definition.globalIndexes.filter { $0.status == .active }, schema: table.definition.keySchema)
        }

        let stats = try connection.statement("SELECT items, bytes FROM stats WHERE id = 0")
        defer { stats.reset() }
        if try stats.step() {
            if stats.int(0) != count || stats.int(1) != bytes {
                note(location, "its statistics say \(stats.int(0)) items of \(stats.int(1)) bytes, but it holds \(count) items of \(bytes) bytes")
            }
        } else {
            note(location, "it has no statistics row")
        }
        report.items += count
    }

    /// Opens the file read-only, checks its version and SQLite's own check,
    /// then runs `body` in the same read transaction.
    private mutating func inspect(
        _ location: DatabaseLocation, _ kind: FormatVersion.Kind, _ body: (inout IntegrityCheck, SQLiteConnection) throws -> Void
    ) {
        report.files += 1
        do {
            let connection = try SQLiteConnection(location, readOnly: true)
            defer { connection.close() }
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            let version = try FormatVersion.read(connection)
            guard version <= kind.current else {
                note(location, UnsupportedFormatVersion(file: location.name, version: version, newestSupported: kind.current).problem)
                return
            }
            let sqliteCheck = try connection.statement("PRAGMA integrity_check")
            defer { sqliteCheck.reset() }
            while try sqliteCheck.step() {
                let line = sqliteCheck.text(0)
                if line != "ok" { note(location, "SQLite's integrity check: \(line)") }
            }
            try body(&self, connection)
        } catch {
            note(location, "cannot be read: \(error)")
        }
    }

    private mutating func note(_ location: DatabaseLocation, _ problem: String) {
        note(location.name, problem)
    }

    private mutating func note(_ file: String, _ problem: String) {
        report.findings.append(.init(file: file, problem: problem))
    }

    /// The key an item's own key attributes encode to; nil if it lacks them.
    private static func encodedKey(of item: Item, schema: KeySchema) -> [UInt8]? {
        guard let partition = item[schema.partitionKey.name], schema.partitionKey.type.matches(partition) else { return nil }
        var key = PrimaryKey(partition: partition)
        if let sortKey = schema.sortKey {
            guard let sort = item[sortKey.name], sortKey.type.matches(sort) else { return nil }
            key.sort = sort
        }
        return KeyEncoding.encode(key)
    }

    /// The index entries a table's items imply, gathered as its partitions
    /// are read, and the logged changes its global indexes may lack.
    struct ExpectedEntries {
        /// Entries by index name, then by entry key.
        typealias Entries = [String: [[UInt8]: Item?]]

        let definition: TableDefinition
        var globals: Entries = [:]
        /// What the logged changes the global indexes may lack do to them.
        var unapplied: [(index: String, mutation: IndexMutation)] = []

        init(_ definition: TableDefinition) {
            self.definition = definition
        }

        /// Adds the entries of one item: local ones to `locals` (compared
        /// per partition), global ones to `globals`.
        mutating func add(_ item: Item, key: [UInt8], locals: inout Entries) {
            for index in definition.localIndexes {
                guard let values = index.keyValues(of: item) else { continue }
                locals[index.name, default: [:]][IndexKeyEncoding.entryKey(values, tableKey: key)] =
                    index.entry(of: item, tableKey: definition.keySchema)
            }
            for index in definition.globalIndexes where index.status == .active {
                guard let values = index.keyValues(of: item) else { continue }
                globals[index.name, default: [:]][IndexKeyEncoding.entryKey(values, tableKey: key)] =
                    index.entry(of: item, tableKey: definition.keySchema)
            }
        }
    }

    /// Enough of a key, in hex, to find its row.
    private static func hex(_ bytes: [UInt8]) -> String {
        let shown = bytes.prefix(24).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return "0x" + shown + (bytes.count > 24 ? "…" : "")
    }
}
