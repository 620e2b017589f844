import StrataExpressions
import StrataModel
import Testing

/// Unused ExpressionAttributeNames and ExpressionAttributeValues are refused
/// after all of a request's expressions are resolved.
struct ExpressionContextTests {
    @Test func unusedEntries() throws {
        let context = ExpressionContext(names: ["#n1": "a", "#n2": "b", "#n3": "c"], values: [":v1": n("1"), ":v2": n("2")])
        _ = try UpdateExpression.parse("SET #n1 = :v1", context: context)
        #expect(validationMessage { try context.checkAllUsed() }
            == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n2, #n3}")
        _ = try ConditionExpression.parse("#n2 = :v1 OR #n3 = :v1", context: context)
        #expect(validationMessage { try context.checkAllUsed() }
            == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v2}")
        _ = try ProjectionExpression.parse("#n1", context: ExpressionContext(names: ["#n1": "a"], values: nil))
    }

    @Test func usedEvenWhenEvaluationShortCircuits() throws {
        let context = ExpressionContext(names: ["#a": "a", "#b": "b"], values: [":one": n("1"), ":two": n("2")])
        let parsed = try ConditionExpression.parse("#a = :one OR #b = :two", context: context)
        #expect(parsed.evaluate(["a": n("1")]))
        try context.checkAllUsed()
    }
}
