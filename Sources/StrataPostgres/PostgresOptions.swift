/// The PostgreSQL engine's own settings, beside `StorageOptions`.
public struct PostgresOptions: Sendable {
    public var location: PostgresLocation
    /// Connections this front keeps to the database at most.
    public var maximumConnections = 32
    /// How long one use of the database may take, its retries included;
    /// the database's own `statement_timeout` is set to the same.
    public var operationTimeout: Duration = .seconds(5)
    /// Names this front in leases and heartbeats; unique per process.
    public var frontID: String
    /// Seconds a TransactWriteItems client token answers for its request.
    public var clientTokenWindow = 600

    public init(location: PostgresLocation, frontID: String? = nil) {
        self.location = location
        var generator = SystemRandomNumberGenerator()
        self.frontID = frontID ?? "front-" + String(generator.next() as UInt64, radix: 36)
    }
}
