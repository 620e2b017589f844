import StrataModel

/// One table's row in the catalog: its definition and the layout the engine
/// chose for it. Stored as JSON; the member names are on disk, so they must
/// never change.
package struct CatalogRecord: Equatable, Sendable {
    package struct Corrupt: Error {}

    package var definition: TableDefinition
    /// Fixed at creation: the number of partition databases, of the table
    /// and of each of its global indexes.
    package var partitionCount: Int
    /// Where each global index's partitions live: a name of its own within
    /// the table's directory, so that an index deleted and created again
    /// under its old name never meets the old files.
    package var indexStorage: [String: String] = [:]

    package var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(definition.name)
        object["id"] = .string(definition.id)
        object["arn"] = .string(definition.arn)
        object["creationTime"] = .number(String(definition.creationTime))
        object["keySchema"] = .array(definition.keySchema.attributes.map(Self.attributeJSON))
        object["hasSortKey"] = .bool(definition.keySchema.sortKey != nil)
        object["attributeDefinitions"] = .array(definition.attributeDefinitions.map(Self.attributeJSON))
        object["billingMode"] = .string(definition.billingMode.rawValue)
        if let throughput = definition.throughput { object["throughput"] = Self.throughputJSON(throughput) }
        if let v = definition.lastSwitchToPayPerRequest { object["lastSwitchToPayPerRequest"] = .number(String(v)) }
        object["tags"] = .array(definition.tags.map { .array([.string($0.key), .string($0.value)]) })
        object["deletionProtection"] = .bool(definition.deletionProtection)
        if let tableClass = definition.tableClass { object["tableClass"] = .string(tableClass) }
        object["partitionCount"] = .number(String(partitionCount))
        if !definition.globalIndexes.isEmpty {
            object["globalIndexes"] = .array(definition.globalIndexes.map { Self.indexJSON($0, storage: indexStorage[$0.name]) })
        }
        if !definition.localIndexes.isEmpty {
            object["localIndexes"] = .array(definition.localIndexes.map { Self.indexJSON($0, storage: nil) })
        }
        if let attribute = definition.timeToLiveAttribute { object["timeToLive"] = .string(attribute) }
        if let changed = definition.timeToLiveChanged { object["timeToLiveChanged"] = .number(String(changed)) }
        if !definition.streams.isEmpty { object["streams"] = .array(definition.streams.map(Self.streamJSON)) }
        if let policy = definition.resourcePolicy { object["policy"] = Self.policyJSON(policy) }
        if !definition.streamPolicies.isEmpty {
            object["streamPolicies"] = .object(JSONObject(definition.streamPolicies.sorted { $0.key < $1.key }.map { ($0.key, Self.policyJSON($0.value)) }))
        }
        if let recovery = definition.pointInTimeRecovery {
            object["pointInTimeRecovery"] = .object(JSONObject([
                ("enabledAt", .number(String(recovery.enabledAt))), ("periodDays", .number(String(recovery.periodDays))),
            ]))
        }
        if let restore = definition.restore { object["restore"] = Self.restoreJSON(restore) }
        if definition.importing { object["importing"] = .bool(true) }
        return .object(object)
    }

    private static func restoreJSON(_ restore: RestoreSummary) -> JSONValue {
        var object = JSONObject()
        if let backup = restore.sourceBackupArn { object["sourceBackupArn"] = .string(backup) }
        object["sourceTableArn"] = .string(restore.sourceTableArn)
        object["restoreTime"] = .number(String(restore.restoreTime))
        object["inProgress"] = .bool(restore.inProgress)
        return .object(object)
    }

    private static func restore(_ json: JSONValue) throws(Corrupt) -> RestoreSummary {
        guard case .object(let o) = json, case .string(let table)? = o["sourceTableArn"], let time = double(o["restoreTime"]),
              case .bool(let inProgress)? = o["inProgress"] else { throw Corrupt() }
        var backup: String?
        if case .string(let arn)? = o["sourceBackupArn"] { backup = arn }
        return RestoreSummary(sourceBackupArn: backup, sourceTableArn: table, restoreTime: time, inProgress: inProgress)
    }

    private static func indexJSON(_ index: IndexDefinition, storage: String?) -> JSONValue {
        var object = JSONObject()
        object["name"] = .string(index.name)
        object["partitionKeys"] = .array(index.keySchema.partitionKeys.map(attributeJSON))
        object["sortKeys"] = .array(index.keySchema.sortKeys.map(attributeJSON))
        object["projection"] = .string(index.projection.kind.rawValue)
        object["nonKeyAttributes"] = .array(index.projection.nonKeyAttributes.map { .string($0) })
        if let throughput = index.throughput { object["throughput"] = throughputJSON(throughput) }
        object["status"] = .string(index.status.rawValue)
        if let backfilling = index.backfilling { object["backfilling"] = .bool(backfilling) }
        if let storage { object["storage"] = .string(storage) }
        return .object(object)
    }

    /// An index of `kind`, and where a global one's partitions live.
    private static func index(_ json: JSONValue, kind: IndexDefinition.Kind) throws(Corrupt) -> (IndexDefinition, String?) {
        guard case .object(let o) = json, case .string(let name)? = o["name"],
              case .array(let partitionJSON)? = o["partitionKeys"], case .array(let sortJSON)? = o["sortKeys"],
              case .string(let projectionText)? = o["projection"], let projection = IndexProjection.Kind(rawValue: projectionText),
              case .array(let nonKeyJSON)? = o["nonKeyAttributes"],
              case .string(let statusText)? = o["status"], let status = IndexDefinition.Status(rawValue: statusText)
        else { throw Corrupt() }
        let partitionKeys = partitionJSON.compactMap(attribute), sortKeys = sortJSON.compactMap(attribute)
        guard !partitionKeys.isEmpty, partitionKeys.count == partitionJSON.count, sortKeys.count == sortJSON.count else { throw Corrupt() }
        let nonKeyAttributes = nonKeyJSON.compactMap { json -> String? in
            if case .string(let name) = json { name } else { nil }
        }
        var backfilling: Bool?
        if case .bool(let b)? = o["backfilling"] { backfilling = b }
        var storage: String?
        if case .string(let s)? = o["storage"] { storage = s }
        let definition = IndexDefinition(
            name: name, kind: kind, keySchema: IndexKeySchema(partitionKeys: partitionKeys, sortKeys: sortKeys),
            projection: IndexProjection(kind: projection, nonKeyAttributes: nonKeyAttributes),
            throughput: try o["throughput"].map(throughput), status: status, backfilling: backfilling)
        return (definition, storage)
    }

    private static func policyJSON(_ policy: ResourcePolicy) -> JSONValue {
        .object(JSONObject([("document", .string(policy.document)), ("revision", .string(policy.revision))]))
    }

    private static func policy(_ json: JSONValue) throws(Corrupt) -> ResourcePolicy {
        guard case .object(let o) = json, case .string(let document)? = o["document"], case .string(let revision)? = o["revision"]
        else { throw Corrupt() }
        return ResourcePolicy(document: document, revision: revision)
    }

    private static func streamJSON(_ stream: StreamDefinition) -> JSONValue {
        var object = JSONObject()
        object["generation"] = .number(String(stream.generation))
        object["viewType"] = .string(stream.viewType.rawValue)
        object["created"] = .number(String(stream.created))
        if let disabled = stream.disabled { object["disabled"] = .number(String(disabled)) }
        object["label"] = .string(stream.label)
        return .object(object)
    }

    private static func stream(_ json: JSONValue) throws(Corrupt) -> StreamDefinition {
        guard case .object(let o) = json, let generation = double(o["generation"]),
              case .string(let viewText)? = o["viewType"], let viewType = StreamViewType(rawValue: viewText),
              let created = double(o["created"]), case .string(let label)? = o["label"]
        else { throw Corrupt() }
        return StreamDefinition(generation: Int(generation), viewType: viewType, created: created, disabled: double(o["disabled"]), label: label)
    }

    private static func throughputJSON(_ throughput: TableDefinition.Throughput) -> JSONValue {
        var t = JSONObject()
        t["read"] = .number(String(throughput.readCapacityUnits))
        t["write"] = .number(String(throughput.writeCapacityUnits))
        if let v = throughput.lastIncrease { t["lastIncrease"] = .number(String(v)) }
        if let v = throughput.lastDecrease { t["lastDecrease"] = .number(String(v)) }
        t["decreasesToday"] = .number(String(throughput.decreasesToday))
        return .object(t)
    }

    private static func throughput(_ json: JSONValue) throws(Corrupt) -> TableDefinition.Throughput {
        guard case .object(let t) = json, let read = double(t["read"]), let write = double(t["write"]) else { throw Corrupt() }
        return TableDefinition.Throughput(
            readCapacityUnits: Int(read), writeCapacityUnits: Int(write),
            lastIncrease: double(t["lastIncrease"]), lastDecrease: double(t["lastDecrease"]),
            decreasesToday: Int(double(t["decreasesToday"]) ?? 0))
    }

    package init(definition: TableDefinition, partitionCount: Int) {
        self.definition = definition
        self.partitionCount = partitionCount
    }

    package init(json: JSONValue) throws(Corrupt) {
        guard case .object(let o) = json,
              case .string(let name)? = o["name"], case .string(let id)? = o["id"], case .string(let arn)? = o["arn"],
              let creationTime = Self.double(o["creationTime"]),
              case .array(let keyJSON)? = o["keySchema"], case .bool(let hasSortKey)? = o["hasSortKey"],
              case .array(let definitionsJSON)? = o["attributeDefinitions"],
              case .string(let billing)? = o["billingMode"], let billingMode = TableDefinition.BillingMode(rawValue: billing),
              let partitionCount = Self.double(o["partitionCount"])
        else { throw Corrupt() }
        let keys = keyJSON.compactMap(Self.attribute)
        let definitions = definitionsJSON.compactMap(Self.attribute)
        guard keys.count == (hasSortKey ? 2 : 1), definitions.count == definitionsJSON.count else { throw Corrupt() }
        let throughput = try o["throughput"].map(Self.throughput)
        var tags: [(key: String, value: String)] = []
        if case .array(let tagJSON)? = o["tags"] {
            for case .array(let pair) in tagJSON where pair.count == 2 {
                if case .string(let k) = pair[0], case .string(let v) = pair[1] { tags.append((k, v)) }
            }
        }
        var tableClass: String?
        if case .string(let c)? = o["tableClass"] { tableClass = c }
        var deletionProtection = false
        if case .bool(let d)? = o["deletionProtection"] { deletionProtection = d }
        var definition = TableDefinition(
            name: name, id: id, arn: arn, creationTime: creationTime,
            keySchema: KeySchema(partitionKey: keys[0], sortKey: hasSortKey ? keys[1] : nil),
            attributeDefinitions: definitions, billingMode: billingMode, throughput: throughput,
            tags: tags, deletionProtection: deletionProtection, tableClass: tableClass)
        definition.lastSwitchToPayPerRequest = Self.double(o["lastSwitchToPayPerRequest"])
        var indexStorage: [String: String] = [:]
        if case .array(let globals)? = o["globalIndexes"] {
            for json in globals {
                let (index, storage) = try Self.index(json, kind: .global)
                guard let storage else { throw Corrupt() }
                definition.globalIndexes.append(index)
                indexStorage[index.name] = storage
            }
        }
        if case .array(let locals)? = o["localIndexes"] {
            for json in locals { definition.localIndexes.append(try Self.index(json, kind: .local).0) }
        }
        if case .string(let attribute)? = o["timeToLive"] { definition.timeToLiveAttribute = attribute }
        definition.timeToLiveChanged = Self.double(o["timeToLiveChanged"])
        if case .array(let streams)? = o["streams"] { definition.streams = try streams.map(Self.stream) }
        if let policy = o["policy"] { definition.resourcePolicy = try Self.policy(policy) }
        if case .object(let policies)? = o["streamPolicies"] {
            for (label, policy) in policies.members { definition.streamPolicies[label] = try Self.policy(policy) }
        }
        if case .object(let recovery)? = o["pointInTimeRecovery"] {
            guard let enabledAt = Self.double(recovery["enabledAt"]), let days = Self.double(recovery["periodDays"]) else { throw Corrupt() }
            definition.pointInTimeRecovery = PointInTimeRecovery(enabledAt: enabledAt, periodDays: Int(days))
        }
        if let restore = o["restore"] { definition.restore = try Self.restore(restore) }
        if case .bool(true)? = o["importing"] { definition.importing = true }
        self.init(definition: definition, partitionCount: Int(partitionCount))
        self.indexStorage = indexStorage
    }

    private static func attributeJSON(_ a: KeyAttribute) -> JSONValue {
        .array([.string(a.name), .string(a.type.rawValue)])
    }

    private static func attribute(_ json: JSONValue) -> KeyAttribute? {
        guard case .array(let pair) = json, pair.count == 2,
              case .string(let name) = pair[0], case .string(let t) = pair[1],
              let type = ScalarAttributeType(rawValue: t) else { return nil }
        return KeyAttribute(name: name, type: type)
    }

    private static func double(_ json: JSONValue?) -> Double? {
        guard case .number(let text)? = json else { return nil }
        return Double(text)
    }
}
