import StrataModel

extension DynamoAPI {
    func updateTable(_ input: UpdateTableInput, _ context: RequestContext) async throws -> TableDescription {
        let before = try controlPlaneTable(input.tableName)
        try input.checkChanges()
        let now = context.clock.now()
        let updated = try await storage.updateTable(named: input.tableName) { definition in
            try input.apply(to: &definition, at: now)
        }
        admission.tableUpdated(from: before, to: updated)
        let statistics = try await storage.statistics(ofTable: input.tableName)
        return TableDescription(wrapper: "TableDescription", definition: updated, statistics: statistics)
    }
}
