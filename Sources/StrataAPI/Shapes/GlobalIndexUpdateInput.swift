import StrataModel

/// One element of UpdateTable's GlobalSecondaryIndexUpdates.
enum GlobalIndexUpdateInput {
    case create(SecondaryIndexInput)
    case delete(String)
    case update(String, ThroughputInput.Units)

    var indexName: String {
        switch self {
        case .create(let index): index.name
        case .delete(let name), .update(let name, _): name
        }
    }

    var changesIndexes: Bool {
        if case .update = self { false } else { true }
    }

    /// The list's shape, then DynamoDB's request-level checks, before the
    /// table is looked up. An empty list counts as none.
    static func decode(_ elements: [RequestBody]?, into violations: inout ConstraintViolations) throws(DynamoError) -> [GlobalIndexUpdateInput]? {
        guard let elements, !elements.isEmpty else { return nil }
        var updates: [GlobalIndexUpdateInput?] = []
        var actionCounts: [Int] = []
        for (position, element) in elements.enumerated() {
            let path = "globalSecondaryIndexUpdates.\(position + 1).member"
            let create = try element.object("Create"), delete = try element.object("Delete"), update = try element.object("Update")
            actionCounts.append([create, delete, update].compactMap { $0 }.count)
            if let create {
                updates.append(try SecondaryIndexInput.decode(create, at: "\(path).create", kind: .global, into: &violations).map { .create($0) })
            } else if let delete {
                let name = try delete.string("IndexName")
                violations.requireNonNull(name, at: "\(path).delete.indexName")
                if let name { violations.checkName(name, at: "\(path).delete.indexName", maximumLength: 255) }
                updates.append(name.map { .delete($0) })
            } else if let update {
                let name = try update.string("IndexName")
                violations.requireNonNull(name, at: "\(path).update.indexName")
                if let name { violations.checkName(name, at: "\(path).update.indexName", maximumLength: 255) }
                let throughputRequest = try update.object("ProvisionedThroughput")
                violations.requireNonNull(throughputRequest, at: "\(path).update.provisionedThroughput")
                let throughput = try ThroughputInput.decode(throughputRequest, at: "\(path).update.provisionedThroughput", into: &violations)
                updates.append(name.flatMap { name in throughput.map { .update(name, $0) } })
            } else {
                updates.append(nil)
            }
        }
        try violations.throwIfAny()
        if actionCounts.contains(0) {
            throw .validation(
                "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null")
        }
        if actionCounts.contains(where: { $0 > 1 }) {
            throw .validation("One or more parameter values were invalid: Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")
        }
        let decoded = updates.compactMap { $0 }
        var names = Set<String>()
        for update in decoded where !names.insert(update.indexName).inserted {
            throw .validation(
                "One or more parameter values were invalid: Only one global secondary index update per index is allowed simultaneously. Index: \(update.indexName)")
        }
        if decoded.filter(\.changesIndexes).count > 1 { throw onlyOneOnlineIndex }
        for case .create(let index) in decoded { _ = try index.resolveProjection() }
        return decoded
    }

    static var onlyOneOnlineIndex: DynamoError {
        .limitExceeded("Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
    }

    /// Applies the updates to the table, given the request's
    /// AttributeDefinitions, refusing what DynamoDB refuses.
    static func apply(
        _ updates: [GlobalIndexUpdateInput], definitions: [KeyAttribute]?, to table: inout TableDefinition, at now: Double
    ) throws(DynamoError) {
        for update in updates {
            switch update {
            case .create(let index): try create(index, definitions: definitions, in: &table)
            case .delete(let name): try delete(name, in: &table)
            case .update(let name, let units): try updateThroughput(name, units, in: &table, at: now)
            }
        }
    }

    private static func create(_ index: SecondaryIndexInput, definitions: [KeyAttribute]?, in table: inout TableDefinition) throws(DynamoError) {
        guard let definitions else {
            throw .validation("One or more parameter values were invalid: AttributeDefinitions is not specified for index: \(index.name)")
        }
        if table.index(named: index.name) != nil {
            throw .validation("Attempting to create an index which already exists")
        }
        if table.globalIndexes.contains(where: { $0.status == .creating || $0.status == .deleting }) { throw onlyOneOnlineIndex }
        if table.globalIndexes.count >= SecondaryIndexInput.maximumGlobalIndexes {
            throw .limitExceeded("GlobalSecondaryIndex count exceeds the per-table limit of 20")
        }
        switch (table.billingMode, index.throughput) {
        case (.provisioned, nil):
            throw .validation("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: \(index.name)")
        case (.payPerRequest, .some):
            throw .validation(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: \(index.name) when BillingMode is PAY_PER_REQUEST")
        default:
            break
        }
        var resolved = try index.resolveGlobal(definitions: definitions, billingMode: table.billingMode)
        for attribute in resolved.keySchema.attributes {
            guard let existing = table.attributeDefinitions.first(where: { $0.name == attribute.name }) else {
                table.attributeDefinitions.append(attribute)
                continue
            }
            if existing.type != attribute.type {
                throw .validation(
                    "One or more parameter values were invalid: Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. Existing schema: Schema:[SchemaElement: key{\(existing.name):\(existing.type.rawValue)}] New schema: Schema:[SchemaElement: key{\(attribute.name):\(attribute.type.rawValue)}]")
            }
        }
        try SecondaryIndexInput.checkProjectedCount(table.indexes + [resolved])
        resolved.status = .creating
        resolved.backfilling = true
        table.globalIndexes.append(resolved)
    }

    private static func delete(_ name: String, in table: inout TableDefinition) throws(DynamoError) {
        guard let position = table.globalIndexes.firstIndex(where: { $0.name == name }) else {
            if table.localIndexes.contains(where: { $0.name == name }) {
                throw .validation("Cannot delete an index that is not a GlobalSecondaryIndex: \(name)")
            }
            throw .resourceNotFound("Requested resource not found")
        }
        if table.globalIndexes.contains(where: { $0.status == .creating && $0.name != name }) { throw onlyOneOnlineIndex }
        table.globalIndexes[position].status = .deleting
        // Its key attributes no longer constrain anything unless another key uses them.
        let used = Set(table.keySchema.attributes.map(\.name)
            + table.indexes.filter { $0.status != .deleting }.flatMap { $0.keySchema.attributes.map(\.name) })
        table.attributeDefinitions.removeAll { !used.contains($0.name) }
    }

    private static func updateThroughput(
        _ name: String, _ units: ThroughputInput.Units, in table: inout TableDefinition, at now: Double
    ) throws(DynamoError) {
        guard let position = table.globalIndexes.firstIndex(where: { $0.name == name }) else {
            if table.localIndexes.contains(where: { $0.name == name }) {
                throw .validation("Cannot update an index that is not a GlobalSecondaryIndex: \(name)")
            }
            throw .resourceNotFound("Requested resource not found")
        }
        guard table.billingMode == .provisioned else {
            throw .validation(
                "One or more parameter values were invalid: The only Updates for index: \(name) when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput")
        }
        var current = table.globalIndexes[position].throughput ?? .init(readCapacityUnits: 0, writeCapacityUnits: 0)
        if current.readCapacityUnits == units.read && current.writeCapacityUnits == units.write {
            throw .validation(
                "The provisioned throughput for the index \(name) will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the index: \(current.readCapacityUnits). Requested ReadCapacityUnits: \(units.read). Current WriteCapacityUnits provisioned for the index: \(current.writeCapacityUnits). Requested WriteCapacityUnits: \(units.write). Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
        }
        current.change(to: units, at: now)
        table.globalIndexes[position].throughput = current
    }
}
