/// What a connection needs to open a session.
public struct ConnectionSettings: Sendable {
    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String?
    /// Whether to encrypt (libpq's sslmode=require and stricter).
    public var requireTLS: Bool
    /// What TLS checks of the server's certificate.
    public var tlsVerification: TLSVerification
    /// Run-time parameters set for the session (`statement_timeout`, `search_path`).
    public var parameters: [(name: String, value: String)]

    public init(
        endpoint: Endpoint, user: String, password: String? = nil, database: String? = nil, requireTLS: Bool = false,
        tlsVerification: TLSVerification = .none, parameters: [(name: String, value: String)] = []
    ) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
        self.tlsVerification = tlsVerification
        self.parameters = parameters
    }
}
