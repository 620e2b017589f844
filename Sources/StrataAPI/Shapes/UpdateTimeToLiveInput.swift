import StrataExpressions
import StrataModel

/// UpdateTimeToLive's request: a table and its TimeToLiveSpecification.
struct UpdateTimeToLiveInput: OperationInput {
    let tableName: String
    let attributeName: String
    let enabled: Bool

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let name = try request.string("TableName")
        let specification = try request.object("TimeToLiveSpecification")
        let attributeName = try specification?.string("AttributeName")
        let enabled = try specification?.bool("Enabled")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        violations.requireNonNull(specification, at: "timeToLiveSpecification")
        if specification != nil {
            violations.checkAttributeName(attributeName, at: "timeToLiveSpecification.attributeName")
            violations.requireNonNull(enabled, at: "timeToLiveSpecification.enabled")
        }
        try violations.throwIfAny()
        guard let name, let attributeName, let enabled else { throw .validation("Invalid request") }
        tableName = name
        self.attributeName = attributeName
        self.enabled = enabled
    }

    /// Turns time to live on or off, refusing what DynamoDB refuses.
    func apply(to table: inout TableDefinition, at now: Double, cooldown: Double) throws(DynamoError) {
        switch (enabled, table.timeToLiveAttribute) {
        case (true, attributeName?):
            throw .validation("TimeToLive is already enabled")
        case (_, let current?) where current != attributeName:
            throw .validation("TimeToLive is active on a different AttributeName: current AttributeName is \(current)")
        case (false, nil):
            throw .validation("TimeToLive is already disabled")
        default:
            break
        }
        if let changed = table.timeToLiveChanged, now - changed < cooldown {
            throw .validation("Time to live has been modified multiple times within a fixed interval")
        }
        table.timeToLiveAttribute = enabled ? attributeName : nil
        table.timeToLiveChanged = now
    }
}
