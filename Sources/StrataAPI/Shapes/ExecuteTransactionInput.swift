import StrataExpressions
import StrataModel

/// ExecuteTransaction's request: up to 100 statements, all reads or all
/// writes, with an idempotency token for writes.
struct ExecuteTransactionInput: OperationInput {
    static let maximumStatements = 100

    let statements: [StatementInput]
    let clientRequestToken: String?
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let bodies = try request.objects("TransactStatements")
        violations.requireNonNull(bodies, at: "transactStatements")
        violations.checkListLength(bodies?.count, at: "transactStatements", 1...Self.maximumStatements)
        var statements: [StatementInput] = []
        for (position, body) in (bodies ?? []).enumerated() {
            if let statement = try StatementInput.decode(body, at: "transactStatements.\(position + 1).member.", into: &violations) {
                statements.append(statement)
            }
        }
        clientRequestToken = try request.string("ClientRequestToken")
        violations.checkLength(clientRequestToken, at: "clientRequestToken", 1...36)
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        self.statements = statements
    }
}
