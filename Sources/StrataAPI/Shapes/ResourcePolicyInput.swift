import StrataExpressions
import StrataModel

/// PutResourcePolicy's request.
struct PutResourcePolicyInput: OperationInput {
    let resourceARN: String
    let policy: String
    let expectedRevision: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("ResourceArn")
        let policy = try request.string("Policy")
        let expected = try request.string("ExpectedRevisionId")
        _ = try request.bool("ConfirmRemoveSelfResourceAccess")
        var violations = ConstraintViolations()
        violations.checkResourceARN(arn)
        violations.requireNonNull(policy, at: "policy")
        violations.checkLength(expected, at: "expectedRevisionId", 1...255)
        try violations.throwIfAny()
        guard let policy, policy.utf8.count <= ResourcePolicy.maximumBytes else {
            throw .validation("One or more parameter values were invalid: Policy document size exceeds the limit of 20 KB")
        }
        guard case .object? = try? JSONParser.parse(Array(policy.utf8)) else {
            throw .validation("One or more parameter values were invalid: The policy document is not a valid JSON object")
        }
        resourceARN = arn ?? ""
        self.policy = policy
        expectedRevision = expected
    }
}

/// The request of ListTagsOfResource, GetResourcePolicy and
/// DeleteResourcePolicy: a resource's ARN, and for a delete the policy
/// revision it expects. (A table's 50 tags at most come in one page.)
struct ResourceARNInput: OperationInput {
    let resourceARN: String
    let expectedRevision: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("ResourceArn")
        let expected = try request.string("ExpectedRevisionId")
        var violations = ConstraintViolations()
        violations.checkResourceARN(arn)
        violations.checkLength(expected, at: "expectedRevisionId", 1...255)
        try violations.throwIfAny()
        resourceARN = arn ?? ""
        expectedRevision = expected
    }
}
