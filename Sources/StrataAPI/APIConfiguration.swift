/// What the API layer needs to know about its deployment.
public struct APIConfiguration: Sendable {
    public var region: String
    public var accountID: String
    /// Seconds after a time to live change during which DynamoDB refuses
    /// another: an hour. Tests lower it.
    public var timeToLiveCooldown: Double
    /// A log line per request at `info` (operation, table, status, error
    /// type, duration, signer). Off by default: at 60,000 GetItem/s it
    /// costs a tenth of the throughput in JSON and a quarter in text.
    public var accessLog: Bool
    /// Where exports go and imports come from: S3 bucket `B`, prefix `P`
    /// is the directory `B/P` under it.
    public var exportDirectory: String

    public init(
        region: String = "us-east-1", accountID: String = "000000000000", timeToLiveCooldown: Double = 3600, accessLog: Bool = false,
        exportDirectory: String = "./strata-exports"
    ) {
        self.exportDirectory = exportDirectory
        self.region = region
        self.accountID = accountID
        self.timeToLiveCooldown = timeToLiveCooldown
        self.accessLog = accessLog
    }
}
