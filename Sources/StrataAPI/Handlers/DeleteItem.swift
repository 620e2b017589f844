import StrataAdmission
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
        let report = try CapacityReport.decode(request, into: &violations)
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
        let outcome = try await chargedWrite(table: table, partitionKey: key.partition) {
            try await storage.writeItem(table: tableName, key: key) { current in
                let units = CapacityUnits.write(bytes: current.size ?? 0)
                let old = condition.condition != nil || returnOld ? try current.item() : nil
                do {
                    try condition.check(old)
                } catch {
                    throw ChargedFailure(error: error, units: units)
                }
                return ItemWrite(.delete, result: Charged(result: returnOld ? old : nil, units: units))
            }
        }
        return ItemResponse.attributes(outcome.result, consumed: ConsumedCapacity(tableName: tableName, units: outcome.units), report: report)
    }
}
