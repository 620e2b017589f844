import StrataExpressions
import StrataModel

/// The request of DescribeBackup and DeleteBackup: a backup's ARN alone.
struct BackupArnInput: OperationInput {
    let backupArn: String

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("BackupArn")
        var violations = ConstraintViolations()
        violations.requireNonNull(arn, at: "backupArn")
        violations.checkLength(arn, at: "backupArn", 37...1024)
        try violations.throwIfAny()
        backupArn = arn ?? ""
    }
}
