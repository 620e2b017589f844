import StrataExpressions
import StrataModel

/// What PutItem, DeleteItem and UpdateItem share: the table, the item or
/// key, ReturnValues and ReturnConsumedCapacity, checked in DynamoDB's order.
struct ItemWriteRequest {
    let tableName: String
    /// `Item` for PutItem, `Key` for the others.
    let item: Item
    let returnValues: String?
    let report: CapacityReport
    /// ReturnItemCollectionMetrics is SIZE.
    let reportsCollection: Bool

    static func decode(_ request: RequestBody, itemMember: String) throws(DynamoError) -> ItemWriteRequest {
        let tableName = try request.string("TableName")
        let decodedItem = try request.itemCheckedLater(itemMember)
        let returnValues = try request.string("ReturnValues")
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        if case .success(nil) = decodedItem { violations.requireNonNull(nil, at: itemMember.lowercased()) }
        violations.checkEnum(returnValues, at: "returnValues", allowed: ReturnValuesInput.all)
        let report = try CapacityReport.decode(request, into: &violations)
        let metrics = try ItemCollectionMetrics.decode(request, into: &violations)
        try violations.throwIfAny()
        guard let tableName, let item = try decodedItem.get() else { throw .validation("Invalid request") }
        return ItemWriteRequest(tableName: tableName, item: item, returnValues: returnValues, report: report, reportsCollection: metrics)
    }
}

extension WriteCondition {
    /// The condition of a PutItem or DeleteItem, whose only expression it is.
    static func decodeAlone(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) -> WriteCondition {
        let parameters = try ExpressionParameters.decode(request)
        let hasCondition = request.value("ConditionExpression") != nil
        try ParameterMix.check(legacy: [("Expected", request.value("Expected") != nil)], expressions: [("ConditionExpression", hasCondition)])
        try parameters.requireExpressions(anyExpression: hasCondition, valueExpression: hasCondition, valueUsers: "ConditionExpression is null")
        let context = parameters.context()
        let condition = try decode(request, context: context, cache: cache)
        try context.checkAllUsed()
        return condition
    }
}
