import StrataModel

extension DynamoAPI {
    func createTable(_ input: CreateTableInput, _ context: RequestContext) async throws -> TableDescription {
        let created = try await storage.createTable(try newTable(input, now: context.clock.now()))
        return TableDescription(wrapper: "TableDescription", definition: created, statistics: .init())
    }

    /// The definition of the table `input` asks for (CreateTable, ImportTable).
    func newTable(_ input: CreateTableInput, now: Double) throws(DynamoError) -> TableDefinition {
        let (name, arn) = try input.nameAndARN(region: configuration.region, accountID: configuration.accountID)
        var definition = TableDefinition(
            name: name, id: TableID.make(), arn: arn,
            creationTime: now, keySchema: input.keySchema, attributeDefinitions: input.attributeDefinitions,
            billingMode: input.billingMode,
            throughput: input.throughput.map { .init(readCapacityUnits: $0.read, writeCapacityUnits: $0.write) },
            tags: input.tags, deletionProtection: input.deletionProtection, tableClass: input.tableClass)
        if input.billingMode == .payPerRequest { definition.lastSwitchToPayPerRequest = now }
        definition.globalIndexes = input.globalIndexes
        definition.localIndexes = input.localIndexes
        if let stream = input.stream, stream.enabled, let viewType = stream.viewType { definition.enableStream(viewType, at: now) }
        return definition
    }
}
