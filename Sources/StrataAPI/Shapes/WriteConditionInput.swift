import StrataExpressions
import StrataModel

/// The condition of a write: `ConditionExpression`, or the legacy
/// `Expected` with `ConditionalOperator`, and what to return when it fails.
struct WriteCondition {
    let condition: ConditionExpression?
    /// ReturnValuesOnConditionCheckFailure=ALL_OLD.
    let returnsItemOnFailure: Bool

    static func decode(_ request: RequestBody, context: ExpressionContext, cache: ExpressionCache) throws(DynamoError) -> WriteCondition {
        let expression = try request.string("ConditionExpression")
        let expected = request.value("Expected")
        let conditionalOperator = try request.string("ConditionalOperator")
        var condition: ConditionExpression?
        if let expression {
            condition = try ConditionExpression.parse(expression, context: context, kind: .condition, cache: cache)
        } else if let expected {
            condition = try ConditionExpression.legacy(expected, conditionalOperator: conditionalOperator, parameter: .expected)
        } else if conditionalOperator != nil {
            throw .validation("ConditionalOperator can only be used when Expected or QueryFilter or ScanFilter are present")
        }
        let onFailure = try request.string("ReturnValuesOnConditionCheckFailure")
        var violations = ConstraintViolations()
        violations.checkEnum(onFailure, at: "returnValuesOnConditionCheckFailure", allowed: ["ALL_OLD", "NONE"])
        try violations.throwIfAny()
        return WriteCondition(condition: condition, returnsItemOnFailure: onFailure == "ALL_OLD")
    }

    /// Throws ConditionalCheckFailedException unless the condition holds for `item`.
    func check(_ item: Item?) throws(DynamoError) {
        guard let condition, !condition.evaluate(item) else { return }
        throw .conditionalCheckFailed("The conditional request failed", item: returnsItemOnFailure ? item : nil)
    }
}
