import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    func deleteItem(_ request: RequestBody) async throws -> [UInt8] {
        let tableName = try request.string("TableName")
        let keyItem = try request.item("Key")
        let returnValues = try request.string("ReturnValues")
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        violations.requireNonNull(keyItem, at: "key")
        violations.checkEnum(returnValues, at: "returnValues", allowed: ReturnValuesInput.all)
        try violations.throwIfAny()
        guard let tableName, let keyItem else { throw DynamoError.validation("Invalid request") }
        let returnOld = try ReturnValuesInput.returnsOldItem(returnValues, allowed: ["NONE", "ALL_OLD"])

        let parameters = try ExpressionParameters.decode(request)
        let hasCondition = request.value("ConditionExpression") != nil
        try ParameterMix.check(legacy: [("Expected", request.value("Expected") != nil)], expressions: [("ConditionExpression", hasCondition)])
        try parameters.requireExpressions(anyExpression: hasCondition, valueExpression: hasCondition, valueUsers: "ConditionExpression is null")
        let context = parameters.context()
        let condition = try WriteCondition.decode(request, context: context, cache: expressionCache)
        try context.checkAllUsed()

        let table = try existingTable(tableName)
        let key = try ItemKey.fromKey(keyItem, schema: table.keySchema)
        let old = try await storage.writeItem(table: tableName, key: key) { current in
            let old = condition.condition != nil || returnOld ? try current.item() : nil
            try condition.check(old)
            return ItemWrite(.delete, result: returnOld ? old : nil)
        }
        return ItemResponse.attributes(old)
    }
}
