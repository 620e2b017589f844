import StrataExpressions
import StrataModel

/// GetItem's request.
struct GetItemInput: OperationInput {
    let tableName: String
    let key: Item
    let consistent: Bool
    let projection: ProjectionExpression?
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let tableName = try request.string("TableName")
        let decodedKey = try request.itemCheckedLater("Key")
        consistent = try request.bool("ConsistentRead") ?? false
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        if case .success(nil) = decodedKey { violations.requireNonNull(nil, at: "key") }
        if let attributesToGet = try request.array("AttributesToGet"), attributesToGet.isEmpty {
            violations.add("'[]'", at: "attributesToGet", "Member must have length greater than or equal to 1")
        }
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        guard let tableName, let key = try decodedKey.get() else { throw .validation("Invalid request") }
        self.tableName = tableName
        self.key = key
        projection = try ProjectionInput.decode(request, cache: cache)
    }

    func primaryKey(in table: TableDefinition) throws(DynamoError) -> PrimaryKey {
        try ItemKey.fromKey(key, schema: table.keySchema)
    }
}
