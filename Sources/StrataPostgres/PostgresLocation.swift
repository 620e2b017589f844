import StrataPostgresWire
import StrataModel

/// Where the database is, from a `postgres://` URL as libpq takes them:
///
///     postgres://user[:password]@host[:port]/database[?sslmode=require]
///     postgres://user@host/database?sslmode=verify-full&sslrootcert=/etc/ca.pem
///     postgres://user@/database?host=/var/run/postgresql   (Unix socket directory)
///     postgres://user@%2Fvar%2Frun%2Fpostgresql/database   (the same, encoded)
///
/// `schema=NAME` keeps Strata's tables in that schema (created if missing),
/// so that several Strata deployments can share one database.
public struct PostgresLocation: Sendable, Equatable {
    public typealias Endpoint = StrataPostgresWire.Endpoint

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String?
    /// Encrypted with TLS, checking nothing for sslmode=require, the
    /// chain for verify-ca, the chain and the host for verify-full (roots
    /// from `sslrootcert`, else the system's); nil: plain text.
    public var tls: TLSVerification?
    /// The schema Strata's tables live in; nil: the database's default.
    public var schema: String?

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(url: String) throws(Invalid) {
        let scheme: Substring
        if url.hasPrefix("postgres://") {
            scheme = "postgres://"
        } else if url.hasPrefix("postgresql://") {
            scheme = "postgresql://"
        } else {
            throw Invalid(description: "a PostgreSQL URL starts with postgres:// or postgresql://, not \(url)")
        }
        var rest = Substring(url.dropFirst(scheme.count))
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                query[Self.decode(parts[0])] = parts.count > 1 ? Self.decode(parts[1]) : ""
            }
            rest = rest[..<mark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let name = Self.decode(rest[rest.index(after: slash)...])
            database = name.isEmpty ? nil : name
        } else {
            database = nil
        }
        var hostPart = authority
        user = query["user"] ?? "postgres"
        password = query["password"]
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
            let pieces = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if !pieces[0].isEmpty { user = Self.decode(pieces[0]) }
            if pieces.count > 1 { password = Self.decode(pieces[1]) }
        }
        // The port is split off before decoding: an encoded socket path holds no raw colon.
        var port = 5432
        if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            guard let number = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(number) else {
                throw Invalid(description: "the port in \(url) is not a port number")
            }
            port = number
            hostPart = hostPart[..<colon]
        }
        var host = Self.decode(hostPart)
        if let number = query["port"] {
            guard let value = Int(number), (1...65535).contains(value) else { throw Invalid(description: "the port in \(url) is not a port number") }
            port = value
        }
        if let socketHost = query["host"] { host = socketHost }
        if host.hasPrefix("/") {
            endpoint = .socket(path: host.hasSuffix(".s.PGSQL.\(port)") ? host : host + "/.s.PGSQL.\(port)")
        } else {
            endpoint = .tcp(host: host.isEmpty ? "localhost" : host, port: port)
        }
        if let name = query["schema"] {
            let allowed = name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (48...57).contains($0) || (97...122).contains($0) }
            guard !name.isEmpty, allowed, name.utf8.count <= 63 else {
                throw Invalid(description: "schema must be lowercase letters, digits and _, not \(name)")
            }
            schema = name
        } else {
            schema = nil
        }
        let roots = query["sslrootcert"]
        switch query["sslmode"] ?? "disable" {
        case "disable", "allow", "prefer": tls = nil
        case "require": tls = .encryptionOnly
        case "verify-ca": tls = .certificate(rootCertificates: roots)
        case "verify-full": tls = .certificateAndHost(rootCertificates: roots)
        case let mode: throw Invalid(description: "sslmode \(mode) is not one of disable, prefer, require, verify-ca, verify-full")
        }
    }

    /// The URL without its password, for logs.
    public var redacted: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(user)@\(host):\(port)/\(database ?? "")" + (schema.map { "?schema=\($0)" } ?? "")
        case .socket(let path): "postgres://\(user)@/\(database ?? "")?host=\(path)" + (schema.map { "&schema=\($0)" } ?? "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        PercentDecoding.decode(text, plusIsSpace: false)
    }
}
