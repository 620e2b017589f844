/// What a connection needs to open a session.
public struct ConnectionSettings: Sendable {
    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String?
    /// libpq's sslmode=require: encrypt, without checking the certificate.
    public var requireTLS: Bool
    /// Run-time parameters set for the session (`statement_timeout`, `search_path`).
    public var parameters: [(name: String, value: String)]

    public init(
        endpoint: Endpoint, user: String, password: String? = nil, database: String? = nil, requireTLS: Bool = false,
        parameters: [(name: String, value: String)] = []
    ) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
        self.parameters = parameters
    }
}
