import StrataModel

/// What a restore may change of the table it restores: billing mode,
/// throughput and the secondary indexes. Everything else comes from the
/// source table; its tags, stream, time to live and point-in-time
/// recovery do not, as in DynamoDB.
struct RestoreOverridesInput {
    let targetTableName: String
    let billingMode: TableDefinition.BillingMode?
    let throughput: ThroughputInput.Units?
    let globalIndexes: [SecondaryIndexInput]?
    let localIndexes: [SecondaryIndexInput]?

    init(_ request: RequestBody, into violations: inout ConstraintViolations) throws(DynamoError) {
        let target = try request.string("TargetTableName")
        violations.checkTableName(target, at: "targetTableName", creating: true)
        let billing = try request.string("BillingModeOverride")
        violations.checkEnum(billing, at: "billingModeOverride", allowed: ["PROVISIONED", "PAY_PER_REQUEST"])
        throughput = try ThroughputInput.decode(
            request.object("ProvisionedThroughputOverride"), at: "provisionedThroughputOverride", into: &violations)
        globalIndexes = try SecondaryIndexInput.decode(
            request.objects("GlobalSecondaryIndexOverride"), at: "globalSecondaryIndexOverride", kind: .global, into: &violations)
        localIndexes = try SecondaryIndexInput.decode(
            request.objects("LocalSecondaryIndexOverride"), at: "localSecondaryIndexOverride", kind: .local, into: &violations)
        targetTableName = target ?? ""
        billingMode = billing.flatMap(TableDefinition.BillingMode.init(rawValue:))
    }

    /// The new table: `source`'s keys and indexes, as overridden, under
    /// the target name and a new id.
    func target(
        from source: TableDefinition, id: String, arn: String, now: Double, restore: RestoreSummary
    ) throws(DynamoError) -> TableDefinition {
        let billingMode = billingMode ?? source.billingMode
        var units: TableDefinition.Throughput?
        if billingMode == .provisioned {
            if let throughput {
                units = .init(readCapacityUnits: throughput.read, writeCapacityUnits: throughput.write)
            } else if let current = source.throughput {
                units = .init(readCapacityUnits: current.readCapacityUnits, writeCapacityUnits: current.writeCapacityUnits)
            } else {
                throw .validation("Provisioned throughput must be specified when BillingModeOverride is PROVISIONED")
            }
        }
        var table = TableDefinition(
            name: targetTableName, id: id, arn: arn, creationTime: now, keySchema: source.keySchema,
            attributeDefinitions: source.attributeDefinitions, billingMode: billingMode, throughput: units,
            tableClass: source.tableClass)
        if billingMode == .payPerRequest { table.lastSwitchToPayPerRequest = now }
        // An empty override restores none of that kind (CreateTable refuses an empty list).
        let overridden = try SecondaryIndexInput.resolve(
            globals: globalIndexes?.isEmpty == true ? nil : globalIndexes, locals: localIndexes?.isEmpty == true ? nil : localIndexes, tableKey: source.keySchema, definitions: source.attributeDefinitions,
            billingMode: billingMode, requiringAllUsed: false)
        table.localIndexes = localIndexes == nil ? source.localIndexes : overridden.locals
        table.globalIndexes = (globalIndexes == nil ? source.globalIndexes : overridden.globals).map { index in
            var index = index
            index.status = .active
            index.backfilling = nil
            index.throughput = billingMode == .provisioned ? (index.throughput ?? units) : nil
            return index
        }
        // Only the attributes some key uses.
        let used = Set(table.keySchema.attributes.map(\.name) + table.indexes.flatMap { $0.keySchema.attributes.map(\.name) })
        table.attributeDefinitions = source.attributeDefinitions.filter { used.contains($0.name) }
        table.restore = restore
        return table
    }
}
