import StrataExpressions
import StrataModel

/// DescribeEndpoints' request: nothing.
struct DescribeEndpointsInput: OperationInput {
    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {}
}

/// DescribeContributorInsights' request: a table, and maybe one of its indexes.
struct ContributorInsightsInput: OperationInput {
    let tableName: String
    let indexName: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let name = try request.string("TableName")
        let index = try request.string("IndexName")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        if let index { violations.checkName(index, at: "indexName", maximumLength: 255) }
        try violations.throwIfAny()
        tableName = name ?? ""
        indexName = index
    }
}
