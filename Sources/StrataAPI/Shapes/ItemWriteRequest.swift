import StrataExpressions
import StrataModel

/// What PutItem, DeleteItem and UpdateItem share: the table, the item or
/// key, ReturnValues and ReturnConsumedCapacity, checked in DynamoDB's order.
struct ItemWriteRequest {
    let tableName: String
    /// `Item` for PutItem, `Key` for the others, or what is wrong with its
    /// values: DynamoDB reports that after the expression parameters.
    private let decodedItem: Result<Item, DynamoError>
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
        guard let tableName else { throw .validation("Invalid request") }
        return ItemWriteRequest(
            tableName: tableName, decodedItem: decodedItem.map { $0 ?? [:] }, returnValues: returnValues, report: report,
            reportsCollection: metrics)
    }

    /// The item or key, once `WriteCondition.parameters(_:)` (or the
    /// operation's own check of its expression parameters) has passed.
    func item() throws(DynamoError) -> Item {
        try decodedItem.get()
    }
}

extension WriteCondition {
    /// The expression parameters of a PutItem or DeleteItem, whose only
    /// expression is its condition: not mixed with Expected, and given only
    /// with a condition to use them.
    static func parameters(_ request: RequestBody) throws(DynamoError) -> ExpressionParameters {
        let parameters = try ExpressionParameters.decode(request)
        let hasCondition = request.value("ConditionExpression") != nil
        try ParameterMix.check(legacy: [("Expected", request.value("Expected") != nil)], expressions: [("ConditionExpression", hasCondition)])
        try parameters.requireExpressions(anyExpression: hasCondition, valueExpression: hasCondition, valueUsers: "ConditionExpression is null")
        return parameters
    }

    /// The condition of a PutItem or DeleteItem, once its item and
    /// ReturnValues are checked: the names and values, then the expression.
    static func decodeAlone(_ request: RequestBody, parameters: ExpressionParameters, cache: ExpressionCache) throws(DynamoError) -> WriteCondition {
        try parameters.checkMembers()
        let context = parameters.context()
        let condition = try decode(request, context: context, cache: cache)
        try context.checkAllUsed()
        return condition
    }
}
