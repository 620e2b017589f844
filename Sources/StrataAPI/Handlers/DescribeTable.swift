import StrataModel

extension DynamoAPI {
    func describeTable(_ request: RequestBody) async throws -> [UInt8] {
        let definition = try namedTable(request)
        let statistics = try await storage.statistics(ofTable: definition.name)
        return TableDescription(definition: definition, statistics: statistics).response(wrappedIn: "Table")
    }
}
