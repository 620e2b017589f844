import StrataModel

extension DynamoAPI {
    func updateTimeToLive(_ input: UpdateTimeToLiveInput, _ context: RequestContext) async throws -> JSONOutput {
        _ = try existingTable(input.tableName)
        let now = context.clock.now()
        _ = try await storage.updateTable(named: input.tableName) { table in
            try input.apply(to: &table, at: now, cooldown: configuration.timeToLiveCooldown)
        }
        return JSONOutput(value: .object(JSONObject([
            ("TimeToLiveSpecification", .object(JSONObject([("Enabled", .bool(input.enabled)), ("AttributeName", .string(input.attributeName))]))),
        ])))
    }

    func describeTimeToLive(_ input: TableNameInput, _ context: RequestContext) async throws -> JSONOutput {
        let table = try existingTable(input.tableName)
        var description = JSONObject()
        description["TimeToLiveStatus"] = .string(table.timeToLiveAttribute == nil ? "DISABLED" : "ENABLED")
        if let attribute = table.timeToLiveAttribute { description["AttributeName"] = .string(attribute) }
        return JSONOutput(value: .object(JSONObject([("TimeToLiveDescription", .object(description))])))
    }
}
