import StrataExpressions
import StrataModel

/// UpdateContinuousBackups' request: point-in-time recovery on or off,
/// and its period.
struct UpdateContinuousBackupsInput: OperationInput {
    let tableName: String
    let enabled: Bool
    let periodDays: Int?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let table = try request.string("TableName")
        let specification = try request.object("PointInTimeRecoverySpecification")
        let enabled = try specification?.bool("PointInTimeRecoveryEnabled")
        let days = try specification?.integer("RecoveryPeriodInDays")
        var violations = ConstraintViolations()
        violations.checkTableName(table)
        violations.requireNonNull(specification, at: "pointInTimeRecoverySpecification")
        if specification != nil {
            violations.requireNonNull(enabled, at: "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled")
            violations.checkRange(days, at: "pointInTimeRecoverySpecification.recoveryPeriodInDays", PointInTimeRecovery.periodDays)
        }
        try violations.throwIfAny()
        if enabled == false, days != nil {
            throw .validation("Cannot set RecoveryPeriodInDays while PointInTimeRecovery is being disabled")
        }
        tableName = table ?? ""
        self.enabled = enabled ?? false
        periodDays = days
    }
}
