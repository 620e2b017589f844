/// Which PostgreSQL-compatible database answers, from `SELECT version()`:
/// the few DDL differences between them are chosen here, and nothing else
/// differs (DESIGN.md, "Scale beyond one machine").
enum PostgresDialect: String, Sendable {
    case postgreSQL = "PostgreSQL"
    case cockroachDB = "CockroachDB"
    case yugabyteDB = "YugabyteDB"

    init(version: String) {
        if version.contains("CockroachDB") {
            self = .cockroachDB
        } else if version.contains("YugabyteDB") || version.contains("-YB-") {
            self = .yugabyteDB
        } else {
            self = .postgreSQL
        }
    }

    /// A primary key over `columns` in byte order. YugabyteDB hashes the
    /// first column of a key unless told `ASC`, which would lose the
    /// range scans Query and Scan need.
    func primaryKey(_ columns: [String]) -> String {
        switch self {
        case .yugabyteDB: "PRIMARY KEY (" + columns.map { $0 + " ASC" }.joined(separator: ", ") + ")"
        case .postgreSQL, .cockroachDB: "PRIMARY KEY (" + columns.joined(separator: ", ") + ")"
        }
    }
}
