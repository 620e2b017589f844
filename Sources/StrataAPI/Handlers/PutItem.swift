import StrataModel
import StrataStorage

extension DynamoAPI {
    func putItem(_ request: RequestBody) async throws -> [UInt8] {
        let tableName = try request.string("TableName")
        let item = try request.item("Item")
        let returnValues = try request.string("ReturnValues")
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        violations.requireNonNull(item, at: "item")
        violations.checkEnum(returnValues, at: "returnValues", allowed: ReturnValuesInput.all)
        try violations.throwIfAny()
        guard let tableName, let item else { throw DynamoError.validation("Invalid request") }
        let returnOld = try ReturnValuesInput.returnsOldItem(returnValues, allowed: ["NONE", "ALL_OLD"])

        let table = try existingTable(tableName)
        let key = try ItemKey.fromItem(item, schema: table.keySchema)
        try ItemSize.check(item)

        let old = try await storage.writeItem(table: tableName, key: key) { current in
            ItemWrite(.put(item), result: returnOld ? try current.item() : nil)
        }
        return ItemResponse.attributes(old)
    }
}
