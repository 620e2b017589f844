/// Everything the API knows about one table. The storage engine persists it
/// in its catalog, in a format of its own.
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
    /// In the order they were created.
    public var globalIndexes: [IndexDefinition] = []
    /// Made with the table, never changed.
    public var localIndexes: [IndexDefinition] = []
    /// The attribute whose Number value (epoch seconds) says when an item
    /// expires; nil while time to live is disabled.
    public var timeToLiveAttribute: String?
    /// Seconds since 1970 of the last time to live change.
    public var timeToLiveChanged: Double?
    /// The table's streams, oldest first: the last is enabled unless the
    /// table's stream is off; the others are disabled and still readable.
    public var streams: [StreamDefinition] = []
    /// The table's resource-based policy, if one was put.
    public var resourcePolicy: ResourcePolicy?
    /// Its streams' policies, by stream label.
    public var streamPolicies: [String: ResourcePolicy] = [:]
    /// Point-in-time recovery, while it is on.
    public var pointInTimeRecovery: PointInTimeRecovery?
    /// Set on a table made by a restore.
    public var restore: RestoreSummary?
    /// True while ImportTable loads the table's items: it is CREATING.
    public var importing = false

    public init(
        name: String, id: String, arn: String, creationTime: Double, keySchema: KeySchema,
        attributeDefinitions: [KeyAttribute], billingMode: BillingMode, throughput: Throughput?,
        tags: [(key: String, value: String)] = [], deletionProtection: Bool = false, tableClass: String? = nil
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
    }

    /// Member-wise; written out because tags are tuples, which cannot be Equatable.
    public static func == (lhs: TableDefinition, rhs: TableDefinition) -> Bool {
        lhs.name == rhs.name && lhs.id == rhs.id && lhs.arn == rhs.arn && lhs.creationTime == rhs.creationTime
            && lhs.keySchema == rhs.keySchema && lhs.attributeDefinitions == rhs.attributeDefinitions
            && lhs.billingMode == rhs.billingMode && lhs.throughput == rhs.throughput
            && lhs.lastSwitchToPayPerRequest == rhs.lastSwitchToPayPerRequest
            && lhs.tags.elementsEqual(rhs.tags, by: { $0.key == $1.key && $0.value == $1.value })
            && lhs.deletionProtection == rhs.deletionProtection && lhs.tableClass == rhs.tableClass
            && lhs.globalIndexes == rhs.globalIndexes && lhs.localIndexes == rhs.localIndexes
            && lhs.timeToLiveAttribute == rhs.timeToLiveAttribute && lhs.timeToLiveChanged == rhs.timeToLiveChanged
            && lhs.streams == rhs.streams && lhs.resourcePolicy == rhs.resourcePolicy && lhs.streamPolicies == rhs.streamPolicies
            && lhs.pointInTimeRecovery == rhs.pointInTimeRecovery && lhs.restore == rhs.restore && lhs.importing == rhs.importing
    }
}

extension TableDefinition {
    /// Every secondary index, local ones first.
    public var indexes: [IndexDefinition] {
        localIndexes + globalIndexes
    }

    public func index(named name: String) -> IndexDefinition? {
        localIndexes.first { $0.name == name } ?? globalIndexes.first { $0.name == name }
    }
}
