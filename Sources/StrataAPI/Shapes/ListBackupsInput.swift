import StrataExpressions
import StrataModel

/// ListBackups' request: filters and a page.
struct ListBackupsInput: OperationInput {
    let tableName: String?
    let limit: Int
    /// Seconds since 1970, inclusive.
    let createdFrom: Double?
    let createdUntil: Double?
    let exclusiveStartBackupArn: String?
    /// USER, SYSTEM, AWS_BACKUP or ALL (the default: every kind there is).
    let backupType: String

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let table = try request.string("TableName")
        let limit = try request.integer("Limit")
        let start = try request.string("ExclusiveStartBackupArn")
        let type = try request.string("BackupType")
        var violations = ConstraintViolations()
        if let table { violations.checkTableName(table) }
        violations.checkRange(limit, at: "limit", 1...100)
        if let start { violations.checkLength(start, at: "exclusiveStartBackupArn", 37...1024) }
        violations.checkEnum(type, at: "backupType", allowed: ["USER", "SYSTEM", "AWS_BACKUP", "ALL"])
        try violations.throwIfAny()
        tableName = table
        self.limit = limit ?? 100
        createdFrom = try request.timestamp("TimeRangeLowerBound")
        createdUntil = try request.timestamp("TimeRangeUpperBound")
        exclusiveStartBackupArn = start
        backupType = type ?? "ALL"
    }
}
