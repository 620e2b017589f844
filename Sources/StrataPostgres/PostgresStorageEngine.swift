import Logging
import StrataPostgresWire
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
    /// Replacing puts, sent together when they arrive faster than the database answers.
    let replaces: ReplaceBatcher
    let options: StorageOptions
    let postgres: PostgresOptions
    let dialect: PostgresDialect
    let catalog = Mutex(CatalogCache())
    /// Last statistics read of each table (by DescribeTable, or for the metrics).
    let lastStatistics = Mutex<[String: PartitionStatistics]>([:])
    /// When the metrics last had the statistics read, and whether a read is under way.
    private let statisticsRefresh = Mutex<(running: Bool, last: ContinuousClock.Instant?)>((false, nil))
    /// Cancels uses of the database past their deadline (`Deadlines`).
    private let watchdog: Task<Void, Never>
    /// Requests run on threads of their own, and long work (Scan pages,
    /// decompressing bodies) on low-priority ones, as on the SQLite
    /// engine: a flood of large requests never holds up a GetItem. The
    /// request threads are the database's loops (`PostgresDatabase`).
    let threads: StorageThreads
    let closing = Atomic(false)
    /// How far each walk of a job (a global index's backfill) got on this
    /// front: where the job resumes if it stopped.
    let walked = Mutex<[String: [UInt8]]>([:])
    /// Fronts whose heartbeat is recent, this one included (`SharedCapacity`).
    let aliveFronts = Atomic(1)
    var logger: Logger { options.logger }

    private init(
        database: PostgresDatabase, threads: StorageThreads, options: StorageOptions, postgres: PostgresOptions,
        dialect: PostgresDialect, watchdog: Task<Void, Never>
    ) {
        self.database = database
        replaces = ReplaceBatcher(database: database, policy: postgres.putsWait)
        self.threads = threads
        self.options = options
        self.postgres = postgres
        self.dialect = dialect
        self.watchdog = watchdog
    }

    /// Connects, creates the schema if the database has none (or checks
    /// its version), and reads the catalog.
    public static func open(options: StorageOptions, postgres: PostgresOptions) async throws -> PostgresStorageEngine {
        let executor = DatabaseExecutor(threads: options.requestThreads)
        let pool = ConnectionPool(settings: settings(postgres), maximumConnections: postgres.maximumConnections, executor: executor)
        let threads = StorageThreads(options: options)
        let database = PostgresDatabase(pool: pool, executor: executor, operationTimeout: postgres.operationTimeout)
        let watchdog = database.deadlines.watch()
        do {
            let dialect = try await database.withConnection { connection in
                let version = try await connection.query("SELECT version()").first?.decode(String.self) ?? ""
                let dialect = PostgresDialect(version: version)
                try await PostgresSchema.migrate(on: connection, dialect: dialect, schema: postgres.location.schema)
                return dialect
            }
            let engine = PostgresStorageEngine(
                database: database, threads: threads, options: options, postgres: postgres, dialect: dialect, watchdog: watchdog)
            try await engine.refreshCatalog(force: true)
            options.logger.info("PostgreSQL storage", metadata: [
                "database": "\(postgres.location.redacted)", "dialect": "\(dialect.rawValue)", "front": "\(postgres.frontID)",
            ])
            return engine
        } catch {
            watchdog.cancel()
            pool.close()
            executor.shutdown()
            threads.retire()
            throw error
        }
    }

    /// Only creates or checks the schema (`strata migrate`).
    public static func migrate(options: StorageOptions, postgres: PostgresOptions) async throws -> String {
        let engine = try await open(options: options, postgres: postgres)
        await engine.close()
        return engine.dialect.rawValue
    }

    private static func settings(_ postgres: PostgresOptions) -> ConnectionSettings {
        let location = postgres.location
        let milliseconds = postgres.operationTimeout.components.seconds * 1000 + postgres.operationTimeout.components.attoseconds / 1_000_000_000_000_000
        // A lock waited for longer than half the operation's time ends with
        // 55P03, a race lost: the transaction retries, or answers a conflict
        // at its deadline instead of looking like a database that is gone.
        var parameters = [
            (name: "statement_timeout", value: "\(milliseconds)"), ("lock_timeout", "\(milliseconds / 2)"), ("application_name", "strata"),
        ]
        if let schema = location.schema { parameters.append(("search_path", schema)) }
        return ConnectionSettings(
            endpoint: location.endpoint, user: location.user, password: location.password, database: location.database,
            tls: location.tls, parameters: parameters)
    }

    /// The schema version this Strata reads and writes.
    public static var schemaVersion: Int { PostgresSchema.version }

    public var requestExecutor: (any TaskExecutor)? { database.executor }
    /// Replacing puts waiting to go with others (`ReplaceBatcher`).
    public var putsWaiting: Int { replaces.waiting }
    public var bulkExecutor: (any TaskExecutor)? { threads.bulk }
    /// Each connection belongs to one of the database loops, which run the
    /// request tasks and resume each where its answer is read.
    public var runsRequestsOnAdoptedThreads: Bool { false }
    public func adoptCallingThread() {}

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
        return try await database.withConnection { connection in
            let version = try await connection.query("SELECT catalog_version FROM strata_schema WHERE id = 0").first?.decode(Int.self) ?? 0
            guard force || version != known else { return true }
            var tables: [String: TableLayout] = [:]
            for row in try await connection.query("SELECT record, version FROM strata_tables") {
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
    static func currentLayout(named name: String, on connection: PostgresConnection) async throws -> TableLayout? {
        var statement = Statement()
        statement.sql = "SELECT record, version FROM strata_tables WHERE name = \(statement.bind(name))"
        return try await statement.run(on: connection).first.map(layout)
    }

    static func bumpCatalogVersion(on connection: PostgresConnection) async throws {
        _ = try await connection.query("UPDATE strata_schema SET catalog_version = catalog_version + 1 WHERE id = 0")
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
        } catch let error as ServerError {
            throw DynamoError.internalFailure("PostgreSQL: \(error)")
        } catch let error as WireError {
            throw DynamoError.internalFailure("PostgreSQL: \(error)")
        } catch let error as AmbiguousCommit {
            throw DynamoError.internalFailure("PostgreSQL: the commit's outcome is unknown: \(error.underlying)")
        } catch let error as Unavailable {
            throw DynamoError.internalFailure("PostgreSQL: \(error)")
        } catch let error as DecodingError {
            throw DynamoError.internalFailure("PostgreSQL: a row could not be read: \(error)")
        }
        // Anything else is the caller's own (a failed condition, a conflict): it passes as it is.
    }

    // MARK: Lifecycle

    /// Opens the rest of the pool, side by side, so that the first
    /// requests find their connections open (a server calls it before it
    /// listens; `strata migrate` never does); returns when every attempt
    /// has ended, whether or not it opened its connection.
    public func openConnections() async {
        await database.pool.openAll(deadline: database.deadline())
    }

    /// Does the background work.
    public func run() async {
        await runBackgroundJobs()
    }

    /// Stops the background work and the pool. Nothing is left to flush:
    /// every write has committed or failed.
    public func close() async {
        closing.store(true, ordering: .relaxed)
        watchdog.cancel()
        database.pool.close()
        database.executor.shutdown()
        threads.retire()
    }
}
