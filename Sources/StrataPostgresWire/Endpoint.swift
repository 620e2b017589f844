/// Where a database listens.
public enum Endpoint: Sendable, Equatable {
    case tcp(host: String, port: Int)
    /// The socket file itself (a directory plus `.s.PGSQL.<port>`).
    case socket(path: String)
}
