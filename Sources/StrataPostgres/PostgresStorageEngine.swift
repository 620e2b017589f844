import Logging
import PostgresNIO
import StrataModel
import StrataStorage
import Synchronization

/// The storage engine over a shared PostgreSQL-compatible database
/// (DESIGN.md, "Scale beyond one machine"): every table in one fixed
/// schema (`PostgresSchema`), every write atomic with its index entries,
/// stream record and expiry (one SERIALIZABLE transaction, or for a table
/// with none of these one compare-and-set statement). Fronts keep nothing
/// but a copy of the catalog, so any number of them can serve one database.
public final class PostgresStorageEngine: StorageEngine {
    let database: PostgresDatabase
    let options: StorageOptions
    let postgres: PostgresOptions
    let dialect: PostgresDialect
    let catalog = Mutex(CatalogCache())
    /// Last statistics read of each table (by DescribeTable, or for the metrics).
    let lastStatistics = Mutex<[String: PartitionStatistics]>([:])
    /// When the metrics last had the statistics read, and whether a read is under way.
    private let statisticsRefresh = Mutex<(running: Bool, last: ContinuousClock.Instant?)>((false, nil))
    private let clientTask: Task<Void, Never>
    /// Cancels uses of the database past their deadline (`Deadlines`).
    private let watchdog: Task<Void, Never>
    /// Requests run on threads of their own, and long work (Scan pages,
    /// decompressing bodies) on low-priority ones, as on the SQLite
    /// engine: a flood of large requests never holds up a GetItem.
    let threads: StorageThreads
    let closing = Atomic(false)
    /// How far each walk of a job (a global index's backfill) got on this
    /// front: where the job resumes if it stopped.
    let walked = Mutex<[String: [UInt8]]>([:])
    /// Fronts whose heartbeat is recent, this one included (`SharedCapacity`).
    let aliveFronts = Atomic(1)
    var logger: Logger { options.logger }

    private init(
        database: PostgresDatabase, options: StorageOptions, postgres: PostgresOptions, dialect: PostgresDialect,
        clientTask: Task<Void, Never>, watchdog: Task<Void, Never>
    ) {
        self.database = database
        self.options = options
        self.postgres = postgres
        self.dialect = dialect
        self.clientTask = clientTask
        self.watchdog = watchdog
        threads = StorageThreads(options: options)
    }

    /// Connects, creates the schema if the database has none (or checks
    /// its version), and reads the catalog.
    public static func open(options: StorageOptions, postgres: PostgresOptions) async throws -> PostgresStorageEngine {
        let client = PostgresClient(configuration: configuration(postgres), eventLoopGroup: connectionThreads, backgroundLogger: options.logger)
        let clientTask = Task { await client.run() }
        let database = PostgresDatabase(client: client, logger: options.logger, operationTimeout: postgres.operationTimeout)
        let watchdog = database.deadlines.watch()
        do {
            let dialect = try await database.withConnection { [logger = options.logger] connection in
                let version = try await connection.query("SELECT version()", logger: logger).collect().first?.decode(String.self) ?? ""
                let dialect = PostgresDialect(version: version)
                try await PostgresSchema.migrate(on: connection, dialect: dialect, schema: postgres.location.schema, logger: logger)
                return dialect
            }
            let engine = PostgresStorageEngine(
                database: database, options: options, postgres: postgres, dialect: dialect, clientTask: clientTask, watchdog: watchdog)
            try await engine.refreshCatalog(force: true)
            options.logger.info("PostgreSQL storage", metadata: [
                "database": "\(postgres.location.redacted)", "dialect": "\(dialect.rawValue)", "front": "\(postgres.frontID)",
            ])
            return engine
        } catch {
            watchdog.cancel()
            clientTask.cancel()
            throw error
        }
    }

    /// The threads every engine's database connections run on: one per two
    /// cores. postgres-nio's default, one per core, adds a third thread per
    /// core beside the request threads and the HTTP server's; on 2 cores
    /// PutItem gained 5-13% with one (Benchmarks/README, PostgreSQL engine).
    private static let connectionThreads = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount / 2))

    /// Only creates or checks the schema (`strata migrate`).
    public static func migrate(options: StorageOptions, postgres: PostgresOptions) async throws -> String {
        let engine = try await open(options: options, postgres: postgres)
        await engine.close()
        return engine.dialect.rawValue
    }

    private static func configuration(_ postgres: PostgresOptions) -> PostgresClient.Configuration {
        let location = postgres.location
        var configuration: PostgresClient.Configuration = switch location.endpoint {
        case .tcp(let host, let port):
            PostgresClient.Configuration(
                host: host, port: port, username: location.user, password: location.password, database: location.database,
                tls: location.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        case .socket(let path):
            PostgresClient.Configuration(unixSocketPath: path, username: location.user, password: location.password, database: location.database)
        }
        configuration.options.maximumConnections = postgres.maximumConnections
        // Every connection stays open and none is pinged. postgres-nio
        // otherwise starts an idle timer and a keep-alive timer (a task
        // each) whenever a connection goes back to the pool, and cancels
        // them at its next lease: a third of a GetItem's cost
        // (Benchmarks/postgres). A connection the database closes is seen
        // at once on its socket; one a network drops silently is found by
        // its next use, within the operation timeout.
        configuration.options.minimumConnections = postgres.maximumConnections
        configuration.options.keepAliveBehavior = nil
        configuration.options.connectTimeout = postgres.operationTimeout
        let milliseconds = postgres.operationTimeout.components.seconds * 1000 + postgres.operationTimeout.components.attoseconds / 1_000_000_000_000_000
        configuration.options.additionalStartupParameters = [("statement_timeout", "\(milliseconds)")]
        if let schema = location.schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        return configuration
    }

    /// The schema version this Strata reads and writes.
    public static var schemaVersion: Int { PostgresSchema.version }

    public var requestExecutor: (any TaskExecutor)? { threads.requests }
    public var bulkExecutor: (any TaskExecutor)? { threads.bulk }

    // MARK: Catalog

    public func table(named name: String) -> TableDefinition? {
        catalog.withLock { $0.layout(name)?.definition }
    }

    public func tableNames() -> [String] {
        catalog.withLock { $0.tables.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
    }

    /// The table's layout as this front knows it.
    func layout(named name: String) throws(DynamoError) -> TableLayout {
        guard let layout = catalog.withLock({ $0.layout(name) }) else { throw .resourceNotFound("Requested resource not found") }
        return layout
    }

    /// Reloads the catalog if another front changed it (or `force`). A
    /// reload that crossed one of this front's own changes is read again.
    public func refreshCatalog(force: Bool = false) async throws {
        while try await !reloadCatalog(force: force) {}
    }

    /// One reload; false if this front changed its copy while it read.
    private func reloadCatalog(force: Bool) async throws -> Bool {
        let (known, changes) = catalog.withLock { ($0.version, $0.changes) }
        return try await database.withConnection { [logger] connection in
            let version = try await connection.query("SELECT catalog_version FROM strata_schema WHERE id = 0", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            guard force || version != known else { return true }
            var tables: [String: TableLayout] = [:]
            for row in try await connection.query("SELECT record, version FROM strata_tables", logger: logger).collect() {
                let layout = try Self.layout(row)
                tables[layout.definition.name] = layout
            }
            return self.catalog.withLock { $0.replace(with: tables, version: version, readAfter: changes) }
        }
    }

    static func layout(_ row: PostgresRow) throws -> TableLayout {
        let (text, version) = try row.decode((String, Int).self)
        do {
            return TableLayout(record: try CatalogRecord(json: try JSONParser.parse(Array(text.utf8))), version: version)
        } catch {
            throw DynamoError.internalFailure("A table's catalog row could not be read")
        }
    }

    static func text(of record: CatalogRecord) -> String {
        String(decoding: record.json.serialized, as: UTF8.self)
    }

    /// The table's row as it stands in the transaction, or nil if it is gone.
    static func currentLayout(named name: String, on connection: PostgresConnection, logger: Logger) async throws -> TableLayout? {
        var statement = Statement()
        statement.sql = "SELECT record, version FROM strata_tables WHERE name = \(statement.bind(name))"
        return try await statement.run(on: connection, logger: logger).first.map(layout)
    }

    static func bumpCatalogVersion(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE strata_schema SET catalog_version = catalog_version + 1 WHERE id = 0", logger: logger)
    }

    /// Counting a table's rows takes the database's time, so the metrics
    /// show the counts of the last read and have them read again (at most
    /// once a second) for the next scrape.
    public func tableMetrics() -> [TableMetrics] {
        let start = statisticsRefresh.withLock { state in
            guard !state.running, state.last.map({ ContinuousClock.now - $0 > .seconds(1) }) ?? true else { return false }
            state.running = true
            return true
        }
        if start {
            Task {
                for name in self.tableNames() { _ = try? await self.statistics(ofTable: name) }
                self.statisticsRefresh.withLock { $0 = (false, ContinuousClock.now) }
            }
        }
        let names = tableNames()
        let statistics = lastStatistics.withLock { $0 }
        return names.map { name in
            TableMetrics(name: name, items: statistics[name]?.itemCount ?? 0, bytes: statistics[name]?.sizeBytes ?? 0, logBytes: 0, pendingIndexChanges: 0)
        }
    }

    /// The database's own tools check its files; there are none of Strata's to read.
    public func checkIntegrity() throws -> IntegrityReport {
        IntegrityReport()
    }

    // MARK: Errors

    /// Runs `body`, turning what the database throws into what a client
    /// may see: a race lost until the deadline, an unreachable database or
    /// any other database error is InternalServerError (HTTP 500), which
    /// the SDKs retry; the cause goes to the log with the request id.
    func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is RetriesExhausted {
            throw DynamoError.internalFailure("PostgreSQL: the write kept conflicting with others until its deadline")
        } catch let error as PSQLError {
            throw DynamoError.internalFailure("PostgreSQL: \(Self.describe(error))")
        } catch let error as AmbiguousCommit {
            throw DynamoError.internalFailure("PostgreSQL: the commit's outcome is unknown: \(Self.describe(error.underlying))")
        } catch let error as Unavailable {
            throw DynamoError.internalFailure("PostgreSQL: \(error)")
        } catch let error as PostgresDecodingError {
            throw DynamoError.internalFailure("PostgreSQL: a row could not be read: \(error)")
        }
        // Anything else is the caller's own (a failed condition, a conflict): it passes as it is.
    }

    static func describe(_ error: PSQLError) -> String {
        guard let info = error.serverInfo else { return "\(error.code)" }
        return "\(info[.sqlState] ?? "") \(info[.message] ?? "")"
    }

    // MARK: Lifecycle

    public func run() async {
        await runBackgroundJobs()
    }

    /// Stops the background work and the pool. The pool is not waited
    /// for: nothing is left to flush (every write has committed or failed),
    /// and with its database long gone its shutdown may wait out a
    /// reconnection backoff (fronts left an hour after their database was
    /// removed did not stop on SIGTERM; not reproduced with a fresh one).
    public func close() async {
        closing.store(true, ordering: .relaxed)
        watchdog.cancel()
        clientTask.cancel()
        threads.retire()
    }
}
