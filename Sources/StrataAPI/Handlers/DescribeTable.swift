import StrataModel

extension DynamoAPI {
    func describeTable(_ request: RequestBody) throws -> [UInt8] {
        let name = try request.string("TableName")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        try violations.throwIfAny()
        guard let name, let definition = storage.table(named: name) else {
            throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name ?? "") not found")
        }
        let statistics = try storage.statistics(ofTable: name)
        return TableDescription(definition: definition, statistics: statistics).response(wrappedIn: "Table")
    }
}
