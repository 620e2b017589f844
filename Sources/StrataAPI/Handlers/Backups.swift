import StrataModel
import StrataStorage

/// On-demand backups: made, listed, described, deleted and restored by
/// the storage engine, which keeps them beside the tables.
extension DynamoAPI {
    func createBackup(_ input: CreateBackupInput, _ context: RequestContext) async throws -> JSONOutput {
        try requireBackups()
        let backup = try await storage.createBackup(table: input.tableName, name: input.backupName)
        return JSONOutput(value: .object(JSONObject([("BackupDetails", BackupDescription.details(backup))])))
    }

    func describeBackup(_ input: BackupArnInput, _ context: RequestContext) async throws -> JSONOutput {
        guard let backup = storage.backups().first(where: { $0.arn == input.backupArn }) else {
            throw DynamoError.backupNotFound("Backup not found: \(input.backupArn)")
        }
        return JSONOutput(value: .object(JSONObject([("BackupDescription", BackupDescription.description(backup))])))
    }

    func deleteBackup(_ input: BackupArnInput, _ context: RequestContext) async throws -> JSONOutput {
        let backup = try await storage.deleteBackup(arn: input.backupArn)
        return JSONOutput(value: .object(JSONObject([("BackupDescription", BackupDescription.description(backup))])))
    }

    /// Oldest first; a page ends with the ARN to start the next after.
    func listBackups(_ input: ListBackupsInput, _ context: RequestContext) async throws -> JSONOutput {
        let table = input.tableName.map { TableReference.name(inARN: $0) ?? $0 }
        var backups = storage.backups().filter { backup in
            (table == nil || backup.table.name == table)
                && (input.backupType == "ALL" || input.backupType == backup.kind.rawValue)
                && input.createdFrom.map { backup.created >= $0 } ?? true
                && input.createdUntil.map { backup.created < $0 } ?? true
        }
        backups.sort { ($0.created, $0.arn) < ($1.created, $1.arn) }
        if let start = input.exclusiveStartBackupArn, let position = backups.firstIndex(where: { $0.arn == start }) {
            backups.removeFirst(position + 1)
        }
        var output = JSONObject([("BackupSummaries", .array(backups.prefix(input.limit).map(BackupDescription.summary)))])
        if backups.count > input.limit { output["LastEvaluatedBackupArn"] = .string(backups[input.limit - 1].arn) }
        return JSONOutput(value: .object(output))
    }

    func restoreTableFromBackup(_ input: RestoreTableFromBackupInput, _ context: RequestContext) async throws -> TableDescription {
        guard let backup = storage.backups().first(where: { $0.arn == input.backupArn }) else {
            throw DynamoError.backupNotFound("Backup not found: \(input.backupArn)")
        }
        let target = try restoredTable(
            input.overrides, from: backup.table, at: Double(backup.moment) / 1000, backup: backup.arn, context: context)
        let created = try await storage.restoreTable(target, fromBackup: backup.arn)
        return TableDescription(wrapper: "TableDescription", definition: created, statistics: .init())
    }

    /// The definition of a restore's new table.
    func restoredTable(
        _ overrides: RestoreOverridesInput, from source: TableDefinition, at moment: Double, backup: String?, context: RequestContext
    ) throws(DynamoError) -> TableDefinition {
        let name = overrides.targetTableName
        if storage.table(named: name) != nil { throw .tableAlreadyExists("Table already exists: \(name)") }
        return try overrides.target(
            from: source, id: TableID.make(), arn: "arn:aws:dynamodb:\(configuration.region):\(configuration.accountID):table/\(name)",
            now: context.clock.now(),
            restore: RestoreSummary(sourceBackupArn: backup, sourceTableArn: source.arn, restoreTime: moment, inProgress: true))
    }

    func requireBackups() throws(DynamoError) {
        guard storage.offersBackups else {
            throw .continuousBackupsUnavailable("Backups are not available on this storage engine: back up its database with the database's own tools")
        }
    }
}
