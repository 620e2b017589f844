import StrataExpressions
import StrataModel

/// RestoreTableToPointInTime's request: the source table by name or ARN,
/// and a time or the latest restorable one.
struct RestoreTableToPointInTimeInput: OperationInput {
    let sourceTable: String
    /// Seconds since 1970; nil with UseLatestRestorableTime.
    let restoreTime: Double?
    let overrides: RestoreOverridesInput

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let name = try request.string("SourceTableName")
        let arn = try request.string("SourceTableArn")
        let latest = try request.bool("UseLatestRestorableTime") ?? false
        let time = try request.timestamp("RestoreDateTime")
        var violations = ConstraintViolations()
        if let name { violations.checkTableName(name, at: "sourceTableName") }
        if let arn { violations.checkLength(arn, at: "sourceTableArn", 1...1024) }
        let overrides = try RestoreOverridesInput(request, into: &violations)
        try violations.throwIfAny()
        guard let source = name ?? arn else { throw .validation("Either SourceTableArn or SourceTableName must be specified") }
        if name != nil, arn != nil { throw .validation("Only one of SourceTableArn or SourceTableName can be specified") }
        if latest, time != nil { throw .validation("Only one of RestoreDateTime or UseLatestRestorableTime can be specified") }
        if !latest, time == nil { throw .validation("Either RestoreDateTime or UseLatestRestorableTime must be specified") }
        sourceTable = source
        restoreTime = latest ? nil : time
        self.overrides = overrides
    }
}
