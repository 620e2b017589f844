import StrataExpressions
import StrataModel
import StrataPartiQL

/// ExecuteStatement's request: one PartiQL statement, and for a SELECT the
/// page to read.
struct ExecuteStatementInput: OperationInput {
    let statement: StatementInput
    let consistent: Bool
    /// Where an earlier page of the same SELECT stopped.
    let start: NextToken?
    let limit: Int?
    let report: CapacityReport
    let returnValuesOnConditionCheckFailure: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let statement = try StatementInput.decode(request, at: "", into: &violations)
        consistent = try request.bool("ConsistentRead") ?? false
        let nextToken = try request.string("NextToken")
        violations.checkLength(nextToken, at: "nextToken", 1...32768)
        limit = try request.integer("Limit")
        violations.checkRange(limit, at: "limit", 1...Int(Int32.max))
        report = try CapacityReport.decode(request, into: &violations)
        returnValuesOnConditionCheckFailure = try request.string("ReturnValuesOnConditionCheckFailure")
        violations.checkEnum(returnValuesOnConditionCheckFailure, at: "returnValuesOnConditionCheckFailure", allowed: ["ALL_OLD", "NONE"])
        try violations.throwIfAny()
        guard let statement else { throw .validation("Invalid request") }
        self.statement = statement
        start = try nextToken.map { token throws(DynamoError) in try NextToken(token) }
    }
}

extension ExecuteStatementInput {
    /// Where a SELECT resumes: a NextToken must come from an earlier page
    /// of the same statement.
    func resumption(of lowered: LoweredStatement) throws(DynamoError) -> NextToken? {
        guard let start else { return nil }
        guard start.statement == NextToken.fingerprint(statement), start.request < lowered.requests.count else {
            throw .validation("NextToken does not match request")
        }
        return start
    }
}
