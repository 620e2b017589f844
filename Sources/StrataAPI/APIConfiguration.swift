/// What the API layer needs to know about its deployment.
public struct APIConfiguration: Sendable {
    public var region: String
    public var accountID: String
    /// Seconds after a time to live change during which DynamoDB refuses
    /// another: an hour. Tests lower it.
    public var timeToLiveCooldown: Double

    public init(region: String = "us-east-1", accountID: String = "000000000000", timeToLiveCooldown: Double = 3600) {
        self.region = region
        self.accountID = accountID
        self.timeToLiveCooldown = timeToLiveCooldown
    }
}
