/// What the API layer needs to know about its deployment.
public struct APIConfiguration: Sendable {
    public var region: String
    public var accountID: String

    public init(region: String = "us-east-1", accountID: String = "000000000000") {
        self.region = region
        self.accountID = accountID
    }
}
