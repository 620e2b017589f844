import StrataModel

extension DynamoAPI {
    func listTables(_ input: ListTablesInput, _ context: RequestContext) async throws -> JSONOutput {
        var names = storage.tableNames()
        if let start = input.exclusiveStartTableName {
            let startBytes = Array(start.utf8)
            names.removeAll { !startBytes.lexicographicallyPrecedes(Array($0.utf8)) }
        }
        let page = Array(names.prefix(input.limit))
        var response = JSONObject()
        response["TableNames"] = .array(page.map { .string($0) })
        if names.count > input.limit, let last = page.last {
            response["LastEvaluatedTableName"] = .string(last)
        }
        return JSONOutput(value: .object(response))
    }
}
