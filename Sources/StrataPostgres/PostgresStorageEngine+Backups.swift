import StrataModel
import StrataStorage

/// Backups over PostgreSQL are the database's own (pg_basebackup, WAL
/// archiving for point-in-time recovery): the API answers as DynamoDB does
/// where backups are not available.
extension PostgresStorageEngine {
    public var offersBackups: Bool { false }

    public func createBackup(table: String, name: String) async throws -> BackupRecord {
        throw Self.backupsUnavailable
    }

    public func backups() -> [BackupRecord] {
        []
    }

    public func deleteBackup(arn: String) async throws -> BackupRecord {
        throw DynamoError.backupNotFound("Backup not found: \(arn)")
    }

    public func restoreTable(_ target: TableDefinition, fromBackup arn: String) async throws -> TableDefinition {
        throw DynamoError.backupNotFound("Backup not found: \(arn)")
    }

    public func restoreTable(_ target: TableDefinition, from source: String, at moment: Int) async throws -> TableDefinition {
        throw Self.backupsUnavailable
    }

    public func readTable(_ name: String, at moment: Int?, _ consume: ([StoredItem]) throws -> Void) async throws {
        throw Self.backupsUnavailable
    }

    /// One write per item: an import's pages are not a hot path here.
    public func putItems(_ items: [(key: PrimaryKey, item: StoredItem)], table name: String) async throws {
        for (key, item) in items {
            try await writeItem(table: name, key: key) { _ in ItemWrite(.put(item), result: ()) }
        }
    }

    static var backupsUnavailable: DynamoError {
        .continuousBackupsUnavailable(
            "Backups are not available on the PostgreSQL storage engine: back up the database with its own tools")
    }
}
