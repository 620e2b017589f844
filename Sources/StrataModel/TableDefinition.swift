/// Everything the catalog keeps about one table. Persisted as JSON in the
/// catalog; the member names below are part of that on-disk format.
public struct TableDefinition: Sendable, Equatable {
    public enum BillingMode: String, Sendable {
        case provisioned = "PROVISIONED"
        case payPerRequest = "PAY_PER_REQUEST"
    }

    public struct Throughput: Sendable, Equatable {
        public var readCapacityUnits: Int
        public var writeCapacityUnits: Int
        public var lastIncrease: Double?
        public var lastDecrease: Double?
        public var decreasesToday: Int

        public init(readCapacityUnits: Int, writeCapacityUnits: Int, lastIncrease: Double? = nil, lastDecrease: Double? = nil, decreasesToday: Int = 0) {
            self.readCapacityUnits = readCapacityUnits
            self.writeCapacityUnits = writeCapacityUnits
            self.lastIncrease = lastIncrease
            self.lastDecrease = lastDecrease
            self.decreasesToday = decreasesToday
        }
    }

    public var name: String
    public var id: String
    public var arn: String
    /// Seconds since 1970.
    public var creationTime: Double
    public var keySchema: KeySchema
    public var attributeDefinitions: [KeyAttribute]
    public var billingMode: BillingMode
    /// Only for PROVISIONED tables.
    public var throughput: Throughput?
    /// Seconds since 1970 of the last switch to PAY_PER_REQUEST.
    public var lastSwitchToPayPerRequest: Double?
    public var tags: [(key: String, value: String)]
    public var deletionProtection: Bool
    public var tableClass: String?
    /// Fixed at creation: the number of storage partitions.
    public var partitionCount: Int

    public init(
        name: String, id: String, arn: String, creationTime: Double, keySchema: KeySchema,
        attributeDefinitions: [KeyAttribute], billingMode: BillingMode, throughput: Throughput?,
        tags: [(key: String, value: String)] = [], deletionProtection: Bool = false, tableClass: String? = nil,
        partitionCount: Int
    ) {
        self.name = name
        self.id = id
        self.arn = arn
        self.creationTime = creationTime
        self.keySchema = keySchema
        self.attributeDefinitions = attributeDefinitions
        self.billingMode = billingMode
        self.throughput = throughput
        self.tags = tags
        self.deletionProtection = deletionProtection
        self.tableClass = tableClass
        self.partitionCount = partitionCount
    }

    public static func == (lhs: TableDefinition, rhs: TableDefinition) -> Bool {
        lhs.json == rhs.json
    }
}

extension TableDefinition {
    /// The catalog's JSON form.
    public var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["id"] = .string(id)
        object["arn"] = .string(arn)
        object["creationTime"] = .number(String(creationTime))
        object["keySchema"] = .array(keySchema.attributes.map(Self.attributeJSON))
        object["hasSortKey"] = .bool(keySchema.sortKey != nil)
        object["attributeDefinitions"] = .array(attributeDefinitions.map(Self.attributeJSON))
        object["billingMode"] = .string(billingMode.rawValue)
        if let throughput {
            var t = JSONObject()
            t["read"] = .number(String(throughput.readCapacityUnits))
            t["write"] = .number(String(throughput.writeCapacityUnits))
            if let v = throughput.lastIncrease { t["lastIncrease"] = .number(String(v)) }
            if let v = throughput.lastDecrease { t["lastDecrease"] = .number(String(v)) }
            t["decreasesToday"] = .number(String(throughput.decreasesToday))
            object["throughput"] = .object(t)
        }
        if let v = lastSwitchToPayPerRequest { object["lastSwitchToPayPerRequest"] = .number(String(v)) }
        object["tags"] = .array(tags.map { .array([.string($0.key), .string($0.value)]) })
        object["deletionProtection"] = .bool(deletionProtection)
        if let tableClass { object["tableClass"] = .string(tableClass) }
        object["partitionCount"] = .number(String(partitionCount))
        return .object(object)
    }

    public struct CorruptDefinition: Error {}

    public init(json: JSONValue) throws(CorruptDefinition) {
        guard case .object(let o) = json,
              case .string(let name)? = o["name"], case .string(let id)? = o["id"], case .string(let arn)? = o["arn"],
              let creationTime = Self.double(o["creationTime"]),
              case .array(let keyJSON)? = o["keySchema"], case .bool(let hasSortKey)? = o["hasSortKey"],
              case .array(let definitionsJSON)? = o["attributeDefinitions"],
              case .string(let billing)? = o["billingMode"], let billingMode = BillingMode(rawValue: billing),
              let partitionCount = Self.double(o["partitionCount"])
        else { throw CorruptDefinition() }
        let keys = keyJSON.compactMap(Self.attribute)
        let definitions = definitionsJSON.compactMap(Self.attribute)
        guard keys.count == (hasSortKey ? 2 : 1), definitions.count == definitionsJSON.count else { throw CorruptDefinition() }
        var throughput: Throughput?
        if case .object(let t)? = o["throughput"] {
            guard let read = Self.double(t["read"]), let write = Self.double(t["write"]) else { throw CorruptDefinition() }
            throughput = Throughput(
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
        self.init(
            name: name, id: id, arn: arn, creationTime: creationTime,
            keySchema: KeySchema(partitionKey: keys[0], sortKey: hasSortKey ? keys[1] : nil),
            attributeDefinitions: definitions, billingMode: billingMode, throughput: throughput,
            tags: tags, deletionProtection: deletionProtection, tableClass: tableClass,
            partitionCount: Int(partitionCount))
        lastSwitchToPayPerRequest = Self.double(o["lastSwitchToPayPerRequest"])
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
