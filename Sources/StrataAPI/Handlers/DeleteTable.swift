import StrataModel

extension DynamoAPI {
    func deleteTable(_ input: TableNameInput, _ context: RequestContext) async throws -> TableDescription {
        let definition = try controlPlaneTable(input.tableName)
        if definition.deletionProtection {
            throw DynamoError.validation(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
        }
        let statistics = try await storage.statistics(ofTable: definition.name)
        let deleted = try await storage.deleteTable(named: definition.name)
        return TableDescription(wrapper: "TableDescription", definition: deleted, statistics: statistics, status: "DELETING")
    }
}
