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

    /// The fields, shared by copies until one of them changes. A request
    /// copies its table's definition a few times, and copying some forty
    /// strings and arrays one by one made as many reference-count updates,
    /// on memory every request thread shares; a copy is now one.
    private final class Fields: @unchecked Sendable {
        var name: String
        var id: String
        var arn: String
        var creationTime: Double
        var keySchema: KeySchema
        var attributeDefinitions: [KeyAttribute]
        var billingMode: BillingMode
        var throughput: Throughput?
        var lastSwitchToPayPerRequest: Double?
        var tags: [(key: String, value: String)]
        var deletionProtection: Bool
        var tableClass: String?
        var globalIndexes: [IndexDefinition] = []
        var localIndexes: [IndexDefinition] = []
        var timeToLiveAttribute: String?
        var timeToLiveChanged: Double?
        var streams: [StreamDefinition] = []
        var resourcePolicy: ResourcePolicy?
        var streamPolicies: [String: ResourcePolicy] = [:]
        var pointInTimeRecovery: PointInTimeRecovery?
        var restore: RestoreSummary?
        var importing = false

        init(
            name: String, id: String, arn: String, creationTime: Double, keySchema: KeySchema,
            attributeDefinitions: [KeyAttribute], billingMode: BillingMode, throughput: Throughput?,
            tags: [(key: String, value: String)], deletionProtection: Bool, tableClass: String?
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

        func copy() -> Fields {
            let copy = Fields(
                name: name, id: id, arn: arn, creationTime: creationTime, keySchema: keySchema,
                attributeDefinitions: attributeDefinitions, billingMode: billingMode, throughput: throughput, tags: tags,
                deletionProtection: deletionProtection, tableClass: tableClass)
            copy.lastSwitchToPayPerRequest = lastSwitchToPayPerRequest
            copy.globalIndexes = globalIndexes
            copy.localIndexes = localIndexes
            copy.timeToLiveAttribute = timeToLiveAttribute
            copy.timeToLiveChanged = timeToLiveChanged
            copy.streams = streams
            copy.resourcePolicy = resourcePolicy
            copy.streamPolicies = streamPolicies
            copy.pointInTimeRecovery = pointInTimeRecovery
            copy.restore = restore
            copy.importing = importing
            return copy
        }
    }

    private var fields: Fields

    /// The fields to change, copied first if another definition shares them.
    private mutating func ownFields() -> Fields {
        if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
        return fields
    }

    public var name: String {
        get { fields.name }
        set { ownFields().name = newValue }
    }
    public var id: String {
        get { fields.id }
        set { ownFields().id = newValue }
    }
    public var arn: String {
        get { fields.arn }
        set { ownFields().arn = newValue }
    }
    /// Seconds since 1970.
    public var creationTime: Double {
        get { fields.creationTime }
        set { ownFields().creationTime = newValue }
    }
    public var keySchema: KeySchema {
        get { fields.keySchema }
        set { ownFields().keySchema = newValue }
    }
    public var attributeDefinitions: [KeyAttribute] {
        get { fields.attributeDefinitions }
        set { ownFields().attributeDefinitions = newValue }
    }
    public var billingMode: BillingMode {
        get { fields.billingMode }
        set { ownFields().billingMode = newValue }
    }
    /// Only for PROVISIONED tables.
    public var throughput: Throughput? {
        get { fields.throughput }
        set { ownFields().throughput = newValue }
    }
    /// Seconds since 1970 of the last switch to PAY_PER_REQUEST.
    public var lastSwitchToPayPerRequest: Double? {
        get { fields.lastSwitchToPayPerRequest }
        set { ownFields().lastSwitchToPayPerRequest = newValue }
    }
    public var tags: [(key: String, value: String)] {
        get { fields.tags }
        set { ownFields().tags = newValue }
    }
    public var deletionProtection: Bool {
        get { fields.deletionProtection }
        set { ownFields().deletionProtection = newValue }
    }
    public var tableClass: String? {
        get { fields.tableClass }
        set { ownFields().tableClass = newValue }
    }
    /// In the order they were created.
    public var globalIndexes: [IndexDefinition] {
        get { fields.globalIndexes }
        set { ownFields().globalIndexes = newValue }
    }
    /// Made with the table, never changed.
    public var localIndexes: [IndexDefinition] {
        get { fields.localIndexes }
        set { ownFields().localIndexes = newValue }
    }
    /// The attribute whose Number value (epoch seconds) says when an item
    /// expires; nil while time to live is disabled.
    public var timeToLiveAttribute: String? {
        get { fields.timeToLiveAttribute }
        set { ownFields().timeToLiveAttribute = newValue }
    }
    /// Seconds since 1970 of the last time to live change.
    public var timeToLiveChanged: Double? {
        get { fields.timeToLiveChanged }
        set { ownFields().timeToLiveChanged = newValue }
    }
    /// The table's streams, oldest first: the last is enabled unless the
    /// table's stream is off; the others are disabled and still readable.
    public var streams: [StreamDefinition] {
        get { fields.streams }
        set { ownFields().streams = newValue }
    }
    /// The table's resource-based policy, if one was put.
    public var resourcePolicy: ResourcePolicy? {
        get { fields.resourcePolicy }
        set { ownFields().resourcePolicy = newValue }
    }
    /// Its streams' policies, by stream label.
    public var streamPolicies: [String: ResourcePolicy] {
        get { fields.streamPolicies }
        set { ownFields().streamPolicies = newValue }
    }
    /// Point-in-time recovery, while it is on.
    public var pointInTimeRecovery: PointInTimeRecovery? {
        get { fields.pointInTimeRecovery }
        set { ownFields().pointInTimeRecovery = newValue }
    }
    /// Set on a table made by a restore.
    public var restore: RestoreSummary? {
        get { fields.restore }
        set { ownFields().restore = newValue }
    }
    /// True while ImportTable loads the table's items: it is CREATING.
    public var importing: Bool {
        get { fields.importing }
        set { ownFields().importing = newValue }
    }

    public init(
        name: String, id: String, arn: String, creationTime: Double, keySchema: KeySchema,
        attributeDefinitions: [KeyAttribute], billingMode: BillingMode, throughput: Throughput?,
        tags: [(key: String, value: String)] = [], deletionProtection: Bool = false, tableClass: String? = nil
    ) {
        fields = Fields(
            name: name, id: id, arn: arn, creationTime: creationTime, keySchema: keySchema,
            attributeDefinitions: attributeDefinitions, billingMode: billingMode, throughput: throughput, tags: tags,
            deletionProtection: deletionProtection, tableClass: tableClass)
    }

    /// Member-wise; written out because tags are tuples, which cannot be Equatable.
    public static func == (lhs: TableDefinition, rhs: TableDefinition) -> Bool {
        lhs.fields === rhs.fields || lhs.name == rhs.name && lhs.id == rhs.id && lhs.arn == rhs.arn && lhs.creationTime == rhs.creationTime
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
