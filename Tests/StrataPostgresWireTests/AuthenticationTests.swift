#if canImport(Glibc)
import Glibc
#endif
import StrataPostgresWire
import Testing

/// Passwords and TLS against a real database listening on TCP:
/// STRATA_TEST_POSTGRES_TCP=127.0.0.1:PORT names one that
/// `scripts/postgres.sh start DIR PORT` set up (its users strata_scram,
/// strata_md5 and strata_plain, password "secret").
enum SecureDatabase {
    static var port: Int? {
        guard let text = getenv("STRATA_TEST_POSTGRES_TCP").map({ String(cString: $0) }), let colon = text.lastIndex(of: ":") else {
            return nil
        }
        return Int(text[text.index(after: colon)...])
    }

    static func settings(user: String, password: String? = "secret", tls: Bool) throws -> ConnectionSettings {
        ConnectionSettings(
            endpoint: .tcp(host: "127.0.0.1", port: try #require(port)), user: user, password: password, database: "postgres",
            tls: tls ? .encryptionOnly : nil)
    }

    static func connect(_ settings: ConnectionSettings) throws -> PostgresConnection {
        try PostgresConnection.connect(settings, deadline: .now.advanced(by: .seconds(5)))
    }

    /// Whether the session's connection is encrypted, as the server sees it.
    static func encrypted(_ connection: PostgresConnection) async throws -> Bool {
        try #require(try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first).decode(Bool.self)
    }
}

@Suite(.enabled(if: SecureDatabase.port != nil, "needs a database on TCP: STRATA_TEST_POSTGRES_TCP=127.0.0.1:PORT"))
struct AuthenticationTests {
    @Test func scramOverTLS() async throws {
        let connection = try SecureDatabase.connect(try SecureDatabase.settings(user: "strata_scram", tls: true))
        #expect(try await SecureDatabase.encrypted(connection))
        #expect(try await connection.query("SELECT current_user::text").first?.decode(String.self) == "strata_scram")
    }

    @Test func aWrongPasswordIsAnAuthenticationFailure() async throws {
        let settings = try SecureDatabase.settings(user: "strata_scram", password: "wrong", tls: true)
        let error = try #require(throws: WireError.self) { try SecureDatabase.connect(settings) }
        guard case .authentication = error else { Issue.record("expected an authentication failure, got \(error)"); return }
    }

    @Test func aMissingPasswordIsAnAuthenticationFailure() async throws {
        let settings = try SecureDatabase.settings(user: "strata_md5", password: nil, tls: false)
        let error = try #require(throws: WireError.self) { try SecureDatabase.connect(settings) }
        guard case .authentication = error else { Issue.record("expected an authentication failure, got \(error)"); return }
    }

    @Test func aRuleThatRefusesPlainConnectionsIsAnAuthenticationFailure() async throws {
        let settings = try SecureDatabase.settings(user: "strata_scram", tls: false)
        let error = try #require(throws: WireError.self) { try SecureDatabase.connect(settings) }
        guard case .authentication = error else { Issue.record("expected an authentication failure, got \(error)"); return }
    }

    @Test(arguments: ["strata_md5", "strata_plain"])
    func md5AndCleartextPasswords(user: String) async throws {
        let plain = try SecureDatabase.connect(try SecureDatabase.settings(user: user, tls: false))
        #expect(try await SecureDatabase.encrypted(plain) == false)
        let encrypted = try SecureDatabase.connect(try SecureDatabase.settings(user: user, tls: true))
        #expect(try await SecureDatabase.encrypted(encrypted))
        #expect(try await encrypted.query("SELECT 7::int8").first?.decode(Int.self) == 7)
    }
}
