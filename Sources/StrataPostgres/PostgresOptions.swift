import StrataStorage

/// The PostgreSQL engine's own settings, beside `StorageOptions`.
public struct PostgresOptions: Sendable {
    public var location: PostgresLocation
    /// Connections this front keeps to the database. A connection is busy
    /// only for a statement's round trip, and single statements that find
    /// every connection busy share the next one in a pipeline, so a few
    /// serve many requests; more only crowd the database's cores (on 2
    /// cores, 4 gave PutItem up to 25% more than 8, and 32 gave p99s of
    /// 20-500 ms: Benchmarks/README).
    public static let defaultMaximumConnections = max(4, 2 * StorageOptions.coreCount)
    public var maximumConnections = PostgresOptions.defaultMaximumConnections
    /// How long one use of the database may take, its retries included;
    /// the database's own `statement_timeout` is set to the same.
    public var operationTimeout: Duration = .seconds(5)
    /// Names this front in leases and heartbeats; unique per process.
    public var frontID: String
    /// When a PutItem with nothing to check waits for its table's put
    /// statement at the database, to go with the next ones in one
    /// statement (`ReplaceBatcher`).
    public var putsWait = PutsWait.whenQueueing
    /// Seconds a TransactWriteItems client token answers for its request.
    public var clientTokenWindow = 600

    public init(location: PostgresLocation, frontID: String? = nil) {
        self.location = location
        var generator = SystemRandomNumberGenerator()
        self.frontID = frontID ?? "front-" + String(generator.next() as UInt64, radix: 36)
    }
}

/// When replacing puts wait for the statement ahead of them (`ReplaceBatcher`).
public enum PutsWait: Sendable {
    /// While statements take more than twice the fastest of late (`RoundTrips`).
    case whenQueueing
    /// Whenever one is out (for tests).
    case always
}
