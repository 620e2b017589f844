/// What the API layer needs to know about its deployment.
public struct APIConfiguration: Sendable {
    public var region: String
    public var accountID: String
    /// Storage partitions given to each new table.
    public var partitionsPerTable: Int

    public init(region: String = "us-east-1", accountID: String = "000000000000", partitionsPerTable: Int = 8) {
        self.region = region
        self.accountID = accountID
        self.partitionsPerTable = partitionsPerTable
    }
}
