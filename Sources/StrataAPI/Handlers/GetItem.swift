import StrataExpressions
import StrataModel

extension DynamoAPI {
    func getItem(_ request: RequestBody) throws -> [UInt8] {
        let tableName = try request.string("TableName")
        let keyItem = try request.item("Key")
        _ = try request.bool("ConsistentRead")
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        violations.requireNonNull(keyItem, at: "key")
        let attributesToGet = try request.array("AttributesToGet")
        if let attributesToGet, attributesToGet.isEmpty {
            violations.add("'[]'", at: "attributesToGet", "Member must have length greater than or equal to 1")
        }
        try violations.throwIfAny()
        guard let tableName, let keyItem else { throw DynamoError.validation("Invalid request") }

        let projection = try ProjectionInput.decode(request, cache: expressionCache)
        let table = try existingTable(tableName)
        let key = try ItemKey.fromKey(keyItem, schema: table.keySchema)
        // Every read sees the latest commit, so ConsistentRead changes nothing here.
        guard let item = try storage.getItem(table: tableName, key: key) else { return Array("{}".utf8) }
        var writer = JSONWriter()
        writer.raw("{\"Item\":")
        writer.item(projection?.apply(to: item) ?? item)
        writer.raw("}")
        return writer.bytes
    }
}
