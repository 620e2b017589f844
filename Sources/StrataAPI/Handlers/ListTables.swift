import StrataModel

extension DynamoAPI {
    func listTables(_ request: RequestBody) throws -> [UInt8] {
        let limit = try request.int("Limit")
        let start = try request.string("ExclusiveStartTableName")
        var violations = ConstraintViolations()
        if let limit {
            if limit < 1 { violations.add("'\(limit)'", at: "limit", "Member must have value greater than or equal to 1") }
            if limit > 100 { violations.add("'\(limit)'", at: "limit", "Member must have value less than or equal to 100") }
        }
        if let start { violations.checkName(start, at: "exclusiveStartTableName", maximumLength: 255) }
        try violations.throwIfAny()

        let pageSize = limit ?? 100
        var names = storage.tableNames()
        if let start {
            let startBytes = Array(start.utf8)
            names.removeAll { !startBytes.lexicographicallyPrecedes(Array($0.utf8)) }
        }
        let page = Array(names.prefix(pageSize))
        var response = JSONObject()
        response["TableNames"] = .array(page.map { .string($0) })
        if names.count > pageSize, let last = page.last {
            response["LastEvaluatedTableName"] = .string(last)
        }
        return JSONValue.object(response).serialized
    }
}
