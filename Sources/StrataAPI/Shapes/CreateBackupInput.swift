import StrataExpressions
import StrataModel

/// CreateBackup's request: a table and the backup's name.
struct CreateBackupInput: OperationInput {
    let tableName: String
    let backupName: String

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let table = try request.string("TableName")
        let backup = try request.string("BackupName")
        var violations = ConstraintViolations()
        violations.checkTableName(table)
        if let backup { violations.checkName(backup, at: "backupName", maximumLength: 255) } else { violations.requireNonNull(backup, at: "backupName") }
        try violations.throwIfAny()
        tableName = table ?? ""
        backupName = backup ?? ""
    }
}
