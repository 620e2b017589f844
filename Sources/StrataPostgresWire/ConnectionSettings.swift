/// What a connection needs to open a session.
public struct ConnectionSettings: Sendable {
    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String?
    /// Encrypted with TLS, checking this much of the server's
    /// certificate (libpq's sslmode=require and stricter); nil: plain.
    public var tls: TLSVerification?
    /// Run-time parameters set for the session (`statement_timeout`, `search_path`).
    public var parameters: [(name: String, value: String)]

    public init(
        endpoint: Endpoint, user: String, password: String? = nil, database: String? = nil, tls: TLSVerification? = nil,
        parameters: [(name: String, value: String)] = []
    ) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.parameters = parameters
    }
}
