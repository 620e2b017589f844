import StrataModel

extension DynamoAPI {
    func describeTable(_ input: TableNameInput, _ context: RequestContext) async throws -> TableDescription {
        let definition = try controlPlaneTable(input.tableName)
        let statistics = try await storage.statistics(ofTable: definition.name)
        return TableDescription(
            wrapper: "Table", definition: definition, statistics: statistics,
            indexStatistics: try await storage.indexStatistics(ofTable: definition.name))
    }
}
