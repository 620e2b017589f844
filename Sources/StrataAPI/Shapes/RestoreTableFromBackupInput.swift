import StrataExpressions
import StrataModel

/// RestoreTableFromBackup's request.
struct RestoreTableFromBackupInput: OperationInput {
    let backupArn: String
    let overrides: RestoreOverridesInput

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("BackupArn")
        var violations = ConstraintViolations()
        let overrides = try RestoreOverridesInput(request, into: &violations)
        violations.requireNonNull(arn, at: "backupArn")
        violations.checkLength(arn, at: "backupArn", 37...1024)
        try violations.throwIfAny()
        backupArn = arn ?? ""
        self.overrides = overrides
    }
}
