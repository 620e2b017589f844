import StrataModel

extension DynamoAPI {
    func getItem(_ request: RequestBody) throws -> [UInt8] {
        let tableName = try request.string("TableName")
        let keyItem = try request.item("Key")
        _ = try request.bool("ConsistentRead")
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        violations.requireNonNull(keyItem, at: "key")
        try violations.throwIfAny()
        guard let tableName, let keyItem else { throw DynamoError.validation("Invalid request") }

        let table = try existingTable(tableName)
        let key = try ItemKey.fromKey(keyItem, schema: table.keySchema)
        // Every read sees the latest commit, so ConsistentRead changes nothing here.
        let item = try storage.getItem(table: tableName, key: key)
        var writer = JSONWriter()
        writer.raw("{")
        if let item {
            writer.raw("\"Item\":")
            writer.item(item)
        }
        writer.raw("}")
        return writer.bytes
    }
}
