import StrataExpressions
import StrataModel

/// The request of DescribeTable and DeleteTable: a table name alone.
struct TableNameInput: OperationInput {
    let tableName: String

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let name = try request.string("TableName")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        try violations.throwIfAny()
        tableName = name ?? ""
    }
}
