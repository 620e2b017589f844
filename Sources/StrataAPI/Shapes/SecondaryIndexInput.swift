import StrataModel

/// One index of CreateTable's GlobalSecondaryIndexes or
/// LocalSecondaryIndexes, or of an UpdateTable Create: its shape as sent,
/// checked against the table by `resolve`.
struct SecondaryIndexInput {
    let name: String
    let keyElements: [KeySchemaInput.Element]
    /// nil: missing.
    let projectionType: String?
    let nonKeyAttributes: [String]?
    let throughput: ThroughputInput.Units?

    /// The indexes of one list; nil if any of them is incomplete (the
    /// violations say why).
    static func decode(
        _ elements: [RequestBody]?, at path: String, kind: IndexDefinition.Kind, into violations: inout ConstraintViolations
    ) throws(DynamoError) -> [SecondaryIndexInput]? {
        guard let elements else { return nil }
        var indexes: [SecondaryIndexInput] = []
        for (position, element) in elements.enumerated() {
            if let index = try decode(element, at: "\(path).\(position + 1).member", kind: kind, into: &violations) {
                indexes.append(index)
            }
        }
        return indexes.count == elements.count ? indexes : nil
    }

    /// One index, from a list or an UpdateTable Create at `path`.
    static func decode(
        _ element: RequestBody, at path: String, kind: IndexDefinition.Kind, into violations: inout ConstraintViolations
    ) throws(DynamoError) -> SecondaryIndexInput? {
        let name = try element.string("IndexName")
        let keySchema = try element.objects("KeySchema")
        let projection = try element.object("Projection")
        let projectionType = try projection?.string("ProjectionType")
        let nonKeyAttributes = try projection?.strings("NonKeyAttributes")
        if let name { violations.checkName(name, at: "\(path).indexName", maximumLength: 255) }
        var throughput: ThroughputInput.Units?
        if kind == .global {
            throughput = try ThroughputInput.decode(
                try element.object("ProvisionedThroughput"), at: "\(path).provisionedThroughput", into: &violations)
        }
        let keyElements = try KeySchemaInput.decode(
            keySchema, at: "\(path).keySchema", maximumElements: kind == .local ? 2 : nil, into: &violations)
        violations.requireNonNull(projection, at: "\(path).projection")
        violations.checkEnum(projectionType, at: "\(path).projection.projectionType", allowed: ["ALL", "INCLUDE", "KEYS_ONLY"])
        if let nonKeyAttributes {
            let attributesPath = "\(path).projection.nonKeyAttributes"
            if nonKeyAttributes.isEmpty {
                violations.add("[]", at: attributesPath, "Member must have length greater than or equal to 1")
            } else if nonKeyAttributes.count > 20 {
                violations.add("[\(nonKeyAttributes.joined(separator: ", "))]", at: attributesPath, "Member must have length less than or equal to 20")
            }
            for attribute in nonKeyAttributes where attribute.utf8.count > 255 || attribute.isEmpty {
                violations.add(
                    "'\(attribute)'", at: attributesPath,
                    attribute.isEmpty ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 255")
            }
        }
        violations.requireNonNull(name, at: "\(path).indexName")
        guard let name, let keyElements, projection != nil else { return nil }
        if kind == .global, element.value("ProvisionedThroughput") != nil, throughput == nil { return nil }
        return SecondaryIndexInput(
            name: name, keyElements: keyElements, projectionType: projectionType, nonKeyAttributes: nonKeyAttributes,
            throughput: throughput)
    }

    // MARK: Checks against the table

    static let maximumLocalIndexes = 5
    static let maximumGlobalIndexes = 20
    static let maximumProjectedAttributes = 100

    /// CreateTable's indexes, checked in DynamoDB's order against the
    /// table's key and definitions; then the definitions themselves.
    static func resolve(
        globals: [SecondaryIndexInput]?, locals: [SecondaryIndexInput]?, tableKey: KeySchema, definitions: [KeyAttribute],
        billingMode: TableDefinition.BillingMode, requiringAllUsed: Bool = true
    ) throws(DynamoError) -> (globals: [IndexDefinition], locals: [IndexDefinition]) {
        var names = Set<String>()
        var resolvedLocals: [IndexDefinition] = []
        if let locals {
            if locals.isEmpty { throw .validation("One or more parameter values were invalid: List of LocalSecondaryIndexes is empty") }
            guard tableKey.sortKey != nil else {
                throw .validation(
                    "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
            }
            for index in locals {
                resolvedLocals.append(try index.resolveLocal(tableKey: tableKey, definitions: definitions))
                try checkUnique(index.name, in: &names)
            }
            if locals.count > maximumLocalIndexes {
                throw .validation("One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5")
            }
        }
        var resolvedGlobals: [IndexDefinition] = []
        if let globals {
            if globals.isEmpty { throw .validation("One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty") }
            for index in globals {
                resolvedGlobals.append(try index.resolveGlobal(definitions: definitions, billingMode: billingMode))
                try checkUnique(index.name, in: &names)
            }
            if globals.count > maximumGlobalIndexes {
                throw .validation("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20")
            }
        }
        try KeySchemaInput.checkNoDuplicates(definitions)
        let used = tableKey.attributes.map(\.name) + (resolvedLocals + resolvedGlobals).flatMap { $0.keySchema.attributes.map(\.name) }
        if requiringAllUsed { try checkAllUsed(definitions, used: used) }
        try checkProjectedCount(resolvedLocals + resolvedGlobals)
        return (resolvedGlobals, resolvedLocals)
    }

    static func checkUnique(_ name: String, in names: inout Set<String>) throws(DynamoError) {
        if !names.insert(name).inserted {
            throw .validation("One or more parameter values were invalid: Duplicate index name: \(name)")
        }
    }

    /// `resolve`'s check that every definition is a key, with its message.
    static func checkAllUsed(_ definitions: [KeyAttribute], used: [String]) throws(DynamoError) {
        var keys: [String] = []
        for name in used where !keys.contains(name) { keys.append(name) }
        if definitions.contains(where: { !keys.contains($0.name) }) {
            throw .validation(
                "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [\(definitions.map(\.name).joined(separator: ", "))], keys used: [\(keys.joined(separator: ", "))]")
        }
    }

    static func checkProjectedCount(_ indexes: [IndexDefinition]) throws(DynamoError) {
        if indexes.reduce(0, { $0 + $1.projection.nonKeyAttributes.count }) > maximumProjectedAttributes {
            throw .validation("One or more parameter values were invalid: Number of projected attributes in all indexes exceeds limit of 100")
        }
    }

    private func resolveLocal(tableKey: KeySchema, definitions: [KeyAttribute]) throws(DynamoError) -> IndexDefinition {
        let attributes = try definedAttributes(definitions)
        try KeySchemaInput.checkHashThenRange(keyElements)
        guard keyElements.count == 2 else {
            throw .validation("One or more parameter values were invalid: Index KeySchema does not have a range key for index: \(name)")
        }
        if keyElements[0].name != tableKey.partitionKey.name {
            throw .validation(
                "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: \(name). index hash key: \(keyElements[0].name), table hash key: \(tableKey.partitionKey.name)")
        }
        let projection = try resolveProjection()
        return IndexDefinition(
            name: name, kind: .local, keySchema: IndexKeySchema(partitionKeys: [attributes[0]], sortKeys: [attributes[1]]),
            projection: projection)
    }

    /// A global index; `billingMode` decides whether it must or must not
    /// have its own throughput.
    func resolveGlobal(definitions: [KeyAttribute], billingMode: TableDefinition.BillingMode) throws(DynamoError) -> IndexDefinition {
        let attributes = try definedAttributes(definitions)
        if Set(keyElements.map(\.name)).count != keyElements.count {
            throw .validation(
                keyElements.count == 2
                    ? "Both the Hash Key and the Range Key element in the KeySchema have the same name"
                    : "The KeySchema contains multiple key attributes with the same name")
        }
        guard keyElements[0].keyType == "HASH" else {
            throw .validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
        }
        let hashCount = keyElements.prefix { $0.keyType == "HASH" }.count
        if keyElements.dropFirst(hashCount).contains(where: { $0.keyType == "HASH" }) {
            throw .validation("One or more parameter values were invalid: All HASH key attributes must precede RANGE key attributes in the KeySchema")
        }
        for (role, count) in [("HASH", hashCount), ("RANGE", keyElements.count - hashCount)] where count > IndexKeySchema.maximumAttributesPerRole {
            throw .validation("One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of \(role) key attributes")
        }
        // The index's throughput is checked before its projection, as in DynamoDB Local.
        switch (billingMode, throughput) {
        case (.payPerRequest, .some):
            throw .validation(
                "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: \(name) when BillingMode is PAY_PER_REQUEST")
        case (.provisioned, nil):
            throw .validation("One or more parameter values were invalid: ProvisionedThroughput is not specified for index: \(name)")
        default:
            break
        }
        if let throughput {
            try ThroughputInput.checkMatches(billingMode: .provisioned, explicitMode: true, throughput: throughput)
        }
        let projection = try resolveProjection()
        return IndexDefinition(
            name: name, kind: .global,
            keySchema: IndexKeySchema(partitionKeys: Array(attributes.prefix(hashCount)), sortKeys: Array(attributes.dropFirst(hashCount))),
            projection: projection,
            throughput: throughput.map { .init(readCapacityUnits: $0.read, writeCapacityUnits: $0.write) })
    }

    /// The key attributes with their defined types.
    private func definedAttributes(_ definitions: [KeyAttribute]) throws(DynamoError) -> [KeyAttribute] {
        var attributes: [KeyAttribute] = []
        for element in keyElements {
            guard let definition = definitions.first(where: { $0.name == element.name }) else {
                throw .validation(
                    "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [\(keyElements.map(\.name).joined(separator: ", "))], AttributeDefinitions: [\(definitions.map(\.name).joined(separator: ", "))]")
            }
            attributes.append(definition)
        }
        return attributes
    }

    /// The projection's checks, which UpdateTable makes before it looks the table up.
    func resolveProjection() throws(DynamoError) -> IndexProjection {
        guard let projectionType, let kind = IndexProjection.Kind(rawValue: projectionType) else {
            throw .validation("One or more parameter values were invalid: Unknown ProjectionType: \(projectionType ?? "null")")
        }
        switch kind {
        case .all, .keysOnly:
            if nonKeyAttributes != nil {
                throw .validation("One or more parameter values were invalid: ProjectionType is \(kind.rawValue), but NonKeyAttributes is specified")
            }
            return IndexProjection(kind: kind)
        case .include:
            guard let nonKeyAttributes else {
                throw .validation("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
            }
            var seen = Set<String>()
            for attribute in nonKeyAttributes where !seen.insert(attribute).inserted {
                throw .validation("One or more parameter values were invalid: Duplicate element in NonKeyAttributes: \(attribute)")
            }
            return IndexProjection(kind: .include, nonKeyAttributes: nonKeyAttributes)
        }
    }
}
