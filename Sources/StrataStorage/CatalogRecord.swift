import StrataModel

/// One table's row in the catalog: its definition and the layout the engine
/// chose for it. Stored as JSON; the member names are on disk, so they must
/// never change.
struct CatalogRecord: Equatable {
    struct Corrupt: Error {}

    var definition: TableDefinition
    /// Fixed at creation: the number of partition databases.
    var partitionCount: Int

    var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(definition.name)
        object["id"] = .string(definition.id)
        object["arn"] = .string(definition.arn)
        object["creationTime"] = .number(String(definition.creationTime))
        object["keySchema"] = .array(definition.keySchema.attributes.map(Self.attributeJSON))
        object["hasSortKey"] = .bool(definition.keySchema.sortKey != nil)
        object["attributeDefinitions"] = .array(definition.attributeDefinitions.map(Self.attributeJSON))
        object["billingMode"] = .string(definition.billingMode.rawValue)
        if let throughput = definition.throughput {
            var t = JSONObject()
            t["read"] = .number(String(throughput.readCapacityUnits))
            t["write"] = .number(String(throughput.writeCapacityUnits))
            if let v = throughput.lastIncrease { t["lastIncrease"] = .number(String(v)) }
            if let v = throughput.lastDecrease { t["lastDecrease"] = .number(String(v)) }
            t["decreasesToday"] = .number(String(throughput.decreasesToday))
            object["throughput"] = .object(t)
        }
        if let v = definition.lastSwitchToPayPerRequest { object["lastSwitchToPayPerRequest"] = .number(String(v)) }
        object["tags"] = .array(definition.tags.map { .array([.string($0.key), .string($0.value)]) })
        object["deletionProtection"] = .bool(definition.deletionProtection)
        if let tableClass = definition.tableClass { object["tableClass"] = .string(tableClass) }
        object["partitionCount"] = .number(String(partitionCount))
        return .object(object)
    }

    init(definition: TableDefinition, partitionCount: Int) {
        self.definition = definition
        self.partitionCount = partitionCount
    }

    init(json: JSONValue) throws(Corrupt) {
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
        var throughput: TableDefinition.Throughput?
        if case .object(let t)? = o["throughput"] {
            guard let read = Self.double(t["read"]), let write = Self.double(t["write"]) else { throw Corrupt() }
            throughput = TableDefinition.Throughput(
                readCapacityUnits: Int(read), writeCapacityUnits: Int(write),
                lastIncrease: Self.double(t["lastIncrease"]), lastDecrease: Self.double(t["lastDecrease"]),
                decreasesToday: Int(Self.double(t["decreasesToday"]) ?? 0))
        }
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
        self.init(definition: definition, partitionCount: Int(partitionCount))
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
