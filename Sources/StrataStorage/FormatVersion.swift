/// The layout version each kind of database file carries in
/// `PRAGMA user_version`. When a layout changes, raise its kind's `current`
/// and upgrade older files in `prepare`; a build never opens a file newer
/// than it knows, since it could not tell what it would break.
enum FormatVersion {
    enum Kind: Sendable {
        /// catalog.sqlite
        case catalog
        /// tables/<id>/pN.sqlite
        case partition
        /// transactions.sqlite
        case transactionLog

        /// The version this build writes and the newest it reads.
        var current: Int {
            switch self {
            case .catalog: 1
            case .partition: 1
            case .transactionLog: 1
            }
        }
    }

    /// SQLite's value for a file that was never stamped: new, or written
    /// before files carried versions, when the layout was that of version 1.
    static let unstamped = 0

    /// Refuses a file from a newer build, before anything writes to it;
    /// then puts the file in write-ahead-log mode (`Partition.configure`)
    /// and stamps it if it has no version yet. In that order a new file's
    /// stamp goes to its log, not through a rollback journal, which would
    /// sync the journal, the file and the directory (start-up makes two
    /// such files).
    static func prepare(
        _ connection: SQLiteConnection, _ kind: Kind, at location: DatabaseLocation, durability: StorageOptions.Durability
    ) throws {
        let version = try check(connection, kind, at: location)
        try Partition.configure(connection, location: location, durability: durability)
        if version == unstamped { try stamp(connection, kind) }
    }

    /// Refuses a file from a newer build; returns the file's version.
    static func check(_ connection: SQLiteConnection, _ kind: Kind, at location: DatabaseLocation) throws -> Int {
        let version = try read(connection)
        guard version <= kind.current else {
            throw UnsupportedFormatVersion(file: location.name, version: version, newestSupported: kind.current)
        }
        return version
    }

    /// Writes the current version, in the connection's transaction if one is open.
    static func stamp(_ connection: SQLiteConnection, _ kind: Kind) throws {
        try connection.execute("PRAGMA user_version = \(kind.current)")
    }

    static func read(_ connection: SQLiteConnection) throws -> Int {
        let statement = try connection.statement("PRAGMA user_version")
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : unstamped
    }
}

/// A database file written by a newer build of Strata.
public struct UnsupportedFormatVersion: Error, CustomStringConvertible {
    public let file: String
    public let version: Int
    public let newestSupported: Int

    /// What is wrong, without the file's name.
    public var problem: String {
        "has format version \(version), but this build of Strata reads at most version \(newestSupported)"
    }

    public var description: String { "\(file) \(problem)" }
}
