import StrataExpressions
import StrataModel

/// BatchExecuteStatement's request: up to 25 statements, all reads or all writes.
struct BatchExecuteStatementInput: OperationInput {
    struct Entry {
        let statement: StatementInput
        let consistent: Bool
    }

    static let maximumStatements = 25

    let entries: [Entry]
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let statements = try request.objects("Statements")
        violations.requireNonNull(statements, at: "statements")
        violations.checkListLength(statements?.count, at: "statements", 1...Self.maximumStatements)
        var entries: [Entry] = []
        for (position, body) in (statements ?? []).enumerated() {
            let path = "statements.\(position + 1).member."
            let statement = try StatementInput.decode(body, at: path, into: &violations)
            // Checked, but of no effect: DynamoDB returns no item with a member's error.
            let onFailure = try body.string("ReturnValuesOnConditionCheckFailure")
            violations.checkEnum(onFailure, at: path + "returnValuesOnConditionCheckFailure", allowed: ["ALL_OLD", "NONE"])
            if let statement {
                entries.append(Entry(statement: statement, consistent: try body.bool("ConsistentRead") ?? false))
            }
        }
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        self.entries = entries
    }
}
