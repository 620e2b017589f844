#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import StrataAdmission
import StrataPostgres
import StrataServer
import StrataStorage

/// Every flag of the server. Each one can also come from an environment
/// variable (named in its help); a flag on the command line wins.
struct Configuration {
    var host: String?
    var port: Int?
    var dataDirectory: String?
    var exportDirectory: String?
    var console: String?
    var storage: String?
    var databaseConnections: Int?
    var databaseTimeout: Int?
    var frontID: String?
    var inMemory = false
    var partitions: Int?
    var durability: String?
    var logLevel: String?
    var logFormat: String?
    var accessLog: String?
    var metricsAuth: String?
    var region: String?
    var accountID: String?
    var throttling: String?
    var maxInFlight: Int?
    var tableMaxUnits: Int?
    var maxBodyMemory: String?
    var maxConnections: Int?
    var headerTimeout: Int?
    var minBodyRate: Int?
    var idleTimeout: Int?
    var writeTimeout: Int?
    var allowedHosts: [String] = []
    var maxOpenFiles: Int?
    var indexLag: Int?
    var itemCollectionLimit: String?
    var ttlInterval: Int?
    var streamTrimInterval: Int?
    var ttlCooldown: Int?
    var auth: String?
    var credentials: [String] = []
    var credentialsFile: String?

    /// The flags, in the order `strata serve --help` lists them.
    static let options: [CommandLineOption<Configuration>] = [
        .value("host", "Address to listen on; 0.0.0.0 in containers. [env: STRATA_HOST] (default: 127.0.0.1)") { $0.host = $1 },
        .integer("port", "Port to listen on; 0 picks a free one. [env: STRATA_PORT] (default: 8000)") { $0.port = $1 },
        .value("data-dir", "Directory of the SQLite files. [env: STRATA_DATA_DIR] (default: ./strata-data)") { $0.dataDirectory = $1 },
        .value("console", "on: serve the web console at /console; off: do not. [env: STRATA_CONSOLE] (default: on when listening on a loopback address, off otherwise)") { $0.console = $1 },
        .value("export-dir", "Directory standing in for S3 in ExportTableToPointInTime and ImportTable: bucket B, prefix P is B/P under it. [env: STRATA_EXPORT_DIR] (default: ./strata-exports)") { $0.exportDirectory = $1 },
        .value("storage", "Where tables live: sqlite (files under --data-dir), or postgres://USER[:PASSWORD]@HOST[:PORT]/DB (also postgres://USER@/DB?host=/socket/dir) for a shared PostgreSQL, CockroachDB or YugabyteDB that many fronts can serve. [env: STRATA_STORAGE] (default: sqlite)") { $0.storage = $1 },
        .integer("db-connections", "With a database --storage: connections this front opens at start and keeps open. [env: STRATA_DB_CONNECTIONS] (default: 2 per core, at least 4)") { $0.databaseConnections = $1 },
        .integer("db-timeout", "With a database --storage: milliseconds one use of the database may take (statement timeout, retries included; a lock wait ends at half of it and is retried) before the request gets InternalServerError, or TransactionConflictException for a transaction whose items stayed locked. [env: STRATA_DB_TIMEOUT_MS] (default: 5000)") { $0.databaseTimeout = $1 },
        .value("front-id", "With a database --storage: this front's name in leases and heartbeats, unique among the fronts. [env: STRATA_FRONT_ID] (default: random)") { $0.frontID = $1 },
        .flag("in-memory", "Keep all data in memory; nothing is written to disk. [env: STRATA_IN_MEMORY=1]") { $0.inMemory = true },
        .integer("partitions", "Storage partitions per new table. [env: STRATA_PARTITIONS] (default: 8)") { $0.partitions = $1 },
        .value("durability", "process: survive kill -9; full: also survive power loss (fsync per group commit). [env: STRATA_DURABILITY] (default: process)") { $0.durability = $1 },
        .value("log-level", "trace, debug, info, notice, warning, error or critical. [env: STRATA_LOG_LEVEL] (default: info)") { $0.logLevel = $1 },
        .value("log-format", "text, or json: one object per line. [env: STRATA_LOG_FORMAT] (default: text)") { $0.logFormat = $1 },
        .value("access-log", "on: a log line per API request at info (operation, table, status, error, duration, signer). [env: STRATA_ACCESS_LOG] (default: off)") { $0.accessLog = $1 },
        .value("metrics-auth", "A token GET /metrics must carry as Authorization: Bearer TOKEN; the metrics are open without it. [env: STRATA_METRICS_AUTH]") { $0.metricsAuth = $1 },
        .value("region", "Region named in table ARNs. [env: STRATA_REGION] (default: us-east-1)") { $0.region = $1 },
        .value("account-id", "Account named in the ARNs of new tables (12 digits). [env: STRATA_ACCOUNT_ID] (default: 000000000000)") { $0.accountID = $1 },
        .value("throttling", "on: enforce provisioned throughput, the on-demand table maximums and per-key limits as DynamoDB does; off: admit everything. [env: STRATA_THROTTLING] (default: on)") { $0.throttling = $1 },
        .integer("max-in-flight", "API requests in flight, counted from their head, before the rest get ThrottlingException. [env: STRATA_MAX_IN_FLIGHT] (default: 4096)") { $0.maxInFlight = $1 },
        .integer("table-max-units", "Read and write units per second an on-demand table may use. [env: STRATA_TABLE_MAX_UNITS] (default: 40000)") { $0.tableMaxUnits = $1 },
        .value("max-body-memory", "Bytes of request bodies held in memory at once (suffix K, M or G); a request that does not fit gets ThrottlingException. [env: STRATA_MAX_BODY_MEMORY] (default: 256M)") { $0.maxBodyMemory = $1 },
        .integer("max-connections", "Open client connections; beyond it new ones are closed at once. [env: STRATA_MAX_CONNECTIONS] (default: from the descriptor limit)") { $0.maxConnections = $1 },
        .integer("header-timeout", "Seconds a request's head may take from its first byte. [env: STRATA_HEADER_TIMEOUT] (default: 10)") { $0.headerTimeout = $1 },
        .integer("min-body-rate", "Bytes per second a request body must arrive at, over each 5 s. [env: STRATA_MIN_BODY_RATE] (default: 1024)") { $0.minBodyRate = $1 },
        .integer("idle-timeout", "Seconds a keep-alive connection may wait for its next request. [env: STRATA_IDLE_TIMEOUT] (default: 75)") { $0.idleTimeout = $1 },
        .integer("write-timeout", "Seconds an answer may wait for the client to read it. [env: STRATA_WRITE_TIMEOUT] (default: 30)") { $0.writeTimeout = $1 },
        .value("allowed-host", "A Host name answered besides the loopback names when listening on a loopback address; repeat for more. [env: STRATA_ALLOWED_HOSTS, comma-separated]") { $0.allowedHosts.append($1) },
        .integer("index-lag", "Milliseconds global secondary indexes trail their table, as DynamoDB's do; 0 answers a write once its index entries are readable. [env: STRATA_INDEX_LAG_MS] (default: 0)") { $0.indexLag = $1 },
        .value("item-collection-limit", "Bytes the items of one partition key and their local index entries may hold (suffix K, M or G), on tables with local indexes. [env: STRATA_ITEM_COLLECTION_LIMIT] (default: 10G)") { $0.itemCollectionLimit = $1 },
        .integer("ttl-interval", "Seconds between sweeps that delete expired items of tables with time to live. [env: STRATA_TTL_INTERVAL] (default: 1)") { $0.ttlInterval = $1 },
        .integer("stream-trim-interval", "Seconds between passes that delete stream records older than 24 hours. [env: STRATA_STREAM_TRIM_INTERVAL] (default: 60)") { $0.streamTrimInterval = $1 },
        .integer("ttl-cooldown", "Seconds after a time to live change before UpdateTimeToLive accepts another, as DynamoDB's hour; 0 in tests. [env: STRATA_TTL_COOLDOWN] (default: 3600)") { $0.ttlCooldown = $1 },
        .value("auth", "off: accept any signature unchecked; sigv4: verify every request's AWS Signature Version 4. [env: STRATA_AUTH] (default: off)") { $0.auth = $1 },
        .value("credentials", "An access key and its secret, KEY:SECRET (or KEY:SECRET:SESSION_TOKEN), for --auth sigv4; repeat for more. [env: STRATA_CREDENTIALS, comma-separated]") { $0.credentials.append($1) },
        .value("credentials-file", "A file of credentials for --auth sigv4, one KEY:SECRET per line.") { $0.credentialsFile = $1 },
        .integer("max-open-files", "File descriptors the tables' files may hold; idle tables close theirs to stay within it, and a request finding all in use gets LimitExceededException. [env: STRATA_MAX_OPEN_FILES] (default: half of the open-files limit, after a reserve)") { $0.maxOpenFiles = $1 },
    ]

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    var resolvedHost: String { host ?? Self.environment("STRATA_HOST") ?? "127.0.0.1" }
    var resolvedRegion: String { region ?? Self.environment("STRATA_REGION") ?? "us-east-1" }

    func resolvedAccountID() throws -> String {
        let text = accountID ?? Self.environment("STRATA_ACCOUNT_ID") ?? "000000000000"
        guard text.utf8.count == 12, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw UsageError("account-id must be 12 digits, not \(text)")
        }
        return text
    }

    func resolvedPort() throws -> Int {
        try resolveInteger(port, environment: "STRATA_PORT", default: 8000, valid: 0...65535)
    }

    func resolvedPartitions() throws -> Int {
        try resolveInteger(partitions, environment: "STRATA_PARTITIONS", default: 8, valid: 1...1024)
    }

    /// nil means in memory.
    var resolvedDataDirectory: String? {
        let memory = inMemory || ["1", "true", "yes"].contains(Self.environment("STRATA_IN_MEMORY")?.lowercased() ?? "")
        return memory ? nil : Self.dataDirectory(dataDirectory)
    }

    /// The SQLite files' directory: the flag, else STRATA_DATA_DIR, else
    /// `./strata-data` (also for `strata export` and `strata import`).
    static func dataDirectory(_ flag: String?) -> String {
        flag ?? environment("STRATA_DATA_DIR") ?? "./strata-data"
    }

    /// On by default only where no one else can reach it.
    func resolvedConsole() throws -> Bool {
        switch console ?? Self.environment("STRATA_CONSOLE") {
        case "on"?: return true
        case "off"?: return false
        case nil: return ["127.0.0.1", "::1", "localhost"].contains(resolvedHost) || resolvedHost.hasPrefix("127.")
        case let other?: throw UsageError("console must be on or off, not \(other)")
        }
    }

    var resolvedExportDirectory: String {
        exportDirectory ?? Self.environment("STRATA_EXPORT_DIR") ?? "./strata-exports"
    }

    /// The database, or nil for the SQLite engine.
    func resolvedPostgres() throws -> PostgresOptions? {
        let text = storage ?? Self.environment("STRATA_STORAGE") ?? "sqlite"
        if text == "sqlite" { return nil }
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: text)
        } catch {
            throw UsageError("storage must be sqlite or a postgres:// URL: \(error)")
        }
        if resolvedDataDirectory == nil { throw UsageError("--in-memory is the SQLite engine's; a database --storage keeps its data in the database") }
        if try resolvedIndexLag() != .zero {
            throw UsageError("--index-lag is the SQLite engine's; a database --storage writes index entries in the item's own transaction")
        }
        var options = PostgresOptions(location: location, frontID: frontID ?? Self.environment("STRATA_FRONT_ID"))
        options.maximumConnections = try resolveInteger(databaseConnections, environment: "STRATA_DB_CONNECTIONS", default: PostgresOptions.defaultMaximumConnections, valid: 1...10_000)
        options.operationTimeout = .milliseconds(try resolveInteger(databaseTimeout, environment: "STRATA_DB_TIMEOUT_MS", default: 5000, valid: 100...600_000))
        return options
    }

    func resolvedDurability() throws -> StorageOptions.Durability {
        let text = durability ?? Self.environment("STRATA_DURABILITY") ?? "process"
        guard let value = StorageOptions.Durability(rawValue: text) else {
            throw UsageError("durability must be one of: \(StorageOptions.Durability.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func resolvedLogLevel() throws -> Logger.Level {
        let text = logLevel ?? Self.environment("STRATA_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: text) else {
            throw UsageError("log level must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    func resolvedLogFormat() throws -> String {
        let text = (logFormat ?? Self.environment("STRATA_LOG_FORMAT") ?? "text").lowercased()
        guard ["text", "json"].contains(text) else { throw UsageError("log format must be text or json, not \(text)") }
        return text
    }

    func resolvedAccessLog() throws -> Bool {
        let text = (accessLog ?? Self.environment("STRATA_ACCESS_LOG") ?? "off").lowercased()
        guard ["on", "off"].contains(text) else { throw UsageError("access-log must be on or off, not \(text)") }
        return text == "on"
    }

    func resolvedAdmission() throws -> AdmissionConfiguration {
        let text = (throttling ?? Self.environment("STRATA_THROTTLING") ?? "on").lowercased()
        guard ["on", "off"].contains(text) else { throw UsageError("throttling must be on or off, not \(text)") }
        let tableMax = Double(try resolveInteger(tableMaxUnits, environment: "STRATA_TABLE_MAX_UNITS", default: 40_000, valid: 1...10_000_000))
        return AdmissionConfiguration(
            enabled: text == "on", onDemandReadUnits: tableMax, onDemandWriteUnits: tableMax,
            maximumInFlight: try resolveInteger(maxInFlight, environment: "STRATA_MAX_IN_FLIGHT", default: 4096, valid: 1...1_000_000))
    }

    /// The front's caps and timeouts. `connections`: the default
    /// --max-connections, from the descriptor limit.
    func resolvedServerOptions(maximumInFlight: Int?, connections: Int) throws -> ServerOptions {
        var server = ServerOptions()
        server.maximumInFlight = maximumInFlight
        let memory = maxBodyMemory ?? Self.environment("STRATA_MAX_BODY_MEMORY") ?? "256M"
        guard let bytes = Self.byteCount(memory), bytes >= ServerLimits.maximumBodyBytes else {
            throw UsageError("max-body-memory must be a byte count of at least 16M, such as 256M or 1G, not \(memory)")
        }
        server.maximumBodyMemory = bytes
        server.maximumConnections = try resolveInteger(maxConnections, environment: "STRATA_MAX_CONNECTIONS", default: connections, valid: 1...10_000_000)
        server.headerTimeout = .seconds(Int64(try resolveInteger(headerTimeout, environment: "STRATA_HEADER_TIMEOUT", default: 10, valid: 1...3600)))
        server.minimumBodyRate = try resolveInteger(minBodyRate, environment: "STRATA_MIN_BODY_RATE", default: 1024, valid: 0...1 << 30)
        server.idleTimeout = .seconds(Int64(try resolveInteger(idleTimeout, environment: "STRATA_IDLE_TIMEOUT", default: 75, valid: 1...86_400)))
        server.writeTimeout = .seconds(Int64(try resolveInteger(writeTimeout, environment: "STRATA_WRITE_TIMEOUT", default: 30, valid: 1...3600)))
        server.metricsToken = metricsAuth ?? Self.environment("STRATA_METRICS_AUTH")
        server.allowedHosts = allowedHosts.isEmpty
            ? (Self.environment("STRATA_ALLOWED_HOSTS") ?? "").split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            : allowedHosts
        return server
    }

    /// "268435456", "256M", "1G" (K, M and G are powers of 1024).
    static func byteCount(_ text: String) -> Int? {
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        guard let last = text.uppercased().last else { return nil }
        if let multiplier = multipliers[last] {
            return Int(text.dropLast()).flatMap { $0.multipliedReportingOverflow(by: multiplier).overflow ? nil : $0 * multiplier }
        }
        return Int(text)
    }

    func resolvedIndexLag() throws -> Duration {
        .milliseconds(try resolveInteger(indexLag, environment: "STRATA_INDEX_LAG_MS", default: 0, valid: 0...3_600_000))
    }

    func resolvedItemCollectionLimit() throws -> Int {
        let text = itemCollectionLimit ?? Self.environment("STRATA_ITEM_COLLECTION_LIMIT") ?? "10G"
        guard let bytes = Self.byteCount(text), bytes > 0 else {
            throw UsageError("item-collection-limit must be a byte count, such as 10G or 64K, not \(text)")
        }
        return bytes
    }

    func resolvedTimeToLiveInterval() throws -> Duration {
        .seconds(try resolveInteger(ttlInterval, environment: "STRATA_TTL_INTERVAL", default: 1, valid: 1...86_400))
    }

    func resolvedStreamTrimInterval() throws -> Duration {
        .seconds(try resolveInteger(streamTrimInterval, environment: "STRATA_STREAM_TRIM_INTERVAL", default: 60, valid: 1...86_400))
    }

    func resolvedTimeToLiveCooldown() throws -> Double {
        Double(try resolveInteger(ttlCooldown, environment: "STRATA_TTL_COOLDOWN", default: 3600, valid: 0...86_400))
    }

    /// nil: derived from the open-files limit (`DescriptorBudget`).
    func resolvedMaxOpenFiles() throws -> Int? {
        guard maxOpenFiles != nil || Self.environment("STRATA_MAX_OPEN_FILES") != nil else { return nil }
        return try resolveInteger(maxOpenFiles, environment: "STRATA_MAX_OPEN_FILES", default: 0, valid: 1...100_000_000)
    }

    private func resolveInteger(_ flag: Int?, environment name: String, default value: Int, valid: ClosedRange<Int>) throws -> Int {
        var resolved = value
        if let flag {
            resolved = flag
        } else if let text = Self.environment(name) {
            guard let parsed = Int(text) else { throw UsageError("\(name) must be a number, not \(text)") }
            resolved = parsed
        }
        guard valid.contains(resolved) else { throw UsageError("\(name.lowercased()) must be in \(valid)") }
        return resolved
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
