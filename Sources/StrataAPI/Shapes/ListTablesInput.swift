import StrataExpressions
import StrataModel

/// ListTables' request.
struct ListTablesInput: OperationInput {
    let limit: Int
    let exclusiveStartTableName: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let limit = try request.integer("Limit")
        let start = try request.string("ExclusiveStartTableName")
        var violations = ConstraintViolations()
        if let limit {
            if limit < 1 { violations.add("'\(limit)'", at: "limit", "Member must have value greater than or equal to 1") }
            if limit > 100 { violations.add("'\(limit)'", at: "limit", "Member must have value less than or equal to 100") }
        }
        if let start { violations.checkName(start, at: "exclusiveStartTableName", maximumLength: 255) }
        try violations.throwIfAny()
        self.limit = limit ?? 100
        exclusiveStartTableName = start
    }
}
