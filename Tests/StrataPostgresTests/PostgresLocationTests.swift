import StrataPostgres
import Testing

@Suite struct PostgresLocationTests {
    @Test(arguments: [
        ("postgres://alice:secret@db.example:6543/strata", PostgresLocation.Endpoint.tcp(host: "db.example", port: 6543), "alice", "secret", "strata"),
        ("postgresql://bob@localhost/app", .tcp(host: "localhost", port: 5432), "bob", nil, "app"),
        ("postgres://carol@/app?host=/var/run/postgresql", .socket(path: "/var/run/postgresql/.s.PGSQL.5432"), "carol", nil, "app"),
        ("postgres://dave@%2Ftmp%2Fpg:5433/app", .socket(path: "/tmp/pg/.s.PGSQL.5433"), "dave", nil, "app"),
        ("postgres://erin@/?host=/tmp/x&port=7000", .socket(path: "/tmp/x/.s.PGSQL.7000"), "erin", nil, nil),
        ("postgres://fay:p%40ss@[::1]:5432/db", .tcp(host: "[::1]", port: 5432), "fay", "p@ss", "db"),
    ] as [(String, PostgresLocation.Endpoint, String, String?, String?)])
    func parsesWhatLibpqTakes(url: String, endpoint: PostgresLocation.Endpoint, user: String, password: String?, database: String?) throws {
        let location = try PostgresLocation(url: url)
        #expect(location.endpoint == endpoint)
        #expect(location.user == user)
        #expect(location.password == password)
        #expect(location.database == database)
    }

    @Test func schemaAndTLSComeFromTheQuery() throws {
        let location = try PostgresLocation(url: "postgres://u@h/db?schema=strata_a&sslmode=require")
        #expect(location.schema == "strata_a")
        #expect(location.tls == .encryptionOnly)
        #expect(!location.redacted.contains("secret"))
    }

    @Test func sslModesAsLibpqReadsThem() throws {
        #expect(try PostgresLocation(url: "postgres://u@h/db?sslmode=prefer").tls == nil)
        let chain = try PostgresLocation(url: "postgres://u@h/db?sslmode=verify-ca&sslrootcert=/etc/ca.pem")
        #expect(chain.tls == .certificate(rootCertificates: "/etc/ca.pem"))
        let full = try PostgresLocation(url: "postgres://u@h/db?sslmode=verify-full")
        #expect(full.tls == .certificateAndHost(rootCertificates: nil))
    }

    @Test(arguments: [
        "mysql://u@h/db", "postgres://u@h:99999/db", "postgres://u@h:port/db", "postgres://u@h/db?schema=Bad-Name",
        "postgres://u@h/db?sslmode=sometimes",
    ])
    func refusesWhatItCannotUse(url: String) {
        #expect(throws: PostgresLocation.Invalid.self) { try PostgresLocation(url: url) }
    }

    @Test func theRedactedFormHasNoPassword() throws {
        let location = try PostgresLocation(url: "postgres://u:hunter2@h:5432/db")
        #expect(location.redacted == "postgres://u@h:5432/db")
    }
}
