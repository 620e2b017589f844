/// What can go wrong talking to the database, apart from the errors the
/// database itself reports (`ServerError`).
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// The database could not be reached (refused, no such host, no socket file).
    case connectionFailed(String)
    /// No answer before the deadline. The connection is closed: what the
    /// database did with the request is unknown.
    case timedOut
    /// The connection broke (reset, closed by the database, TLS failure).
    case connectionLost(String)
    /// The database refused the credentials, or asked for a method we lack.
    case authentication(String)
    /// The database sent what the protocol does not allow here.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .connectionFailed(let reason): "cannot connect: \(reason)"
        case .timedOut: "no answer in time"
        case .connectionLost(let reason): "connection lost: \(reason)"
        case .authentication(let reason): "authentication failed: \(reason)"
        case .protocolViolation(let reason): "protocol violation: \(reason)"
        }
    }
}
