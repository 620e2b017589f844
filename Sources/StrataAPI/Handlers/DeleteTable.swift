import StrataModel

extension DynamoAPI {
    func deleteTable(_ request: RequestBody) async throws -> [UInt8] {
        let definition = try namedTable(request)
        let name = definition.name
        if definition.deletionProtection {
            throw DynamoError.validation(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
        }
        let statistics = try await storage.statistics(ofTable: name)
        let deleted = try await storage.deleteTable(named: name)
        return TableDescription(definition: deleted, statistics: statistics, status: "DELETING").response(wrappedIn: "TableDescription")
    }
}
