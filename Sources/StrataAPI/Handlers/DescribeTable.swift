import StrataModel

extension DynamoAPI {
    func describeTable(_ request: RequestBody) throws -> [UInt8] {
        let definition = try namedTable(request)
        let statistics = try storage.statistics(ofTable: definition.name)
        return TableDescription(definition: definition, statistics: statistics).response(wrappedIn: "Table")
    }
}
