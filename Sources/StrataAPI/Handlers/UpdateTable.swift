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
        // An index being created or deleted keeps the table UPDATING for a while on AWS.
        let changesIndexes = input.indexUpdates?.contains(where: \.changesIndexes) == true
        return TableDescription(
            wrapper: "TableDescription", definition: updated, statistics: statistics, status: changesIndexes ? "UPDATING" : "ACTIVE",
            indexStatistics: try await storage.indexStatistics(ofTable: input.tableName))
    }
}
