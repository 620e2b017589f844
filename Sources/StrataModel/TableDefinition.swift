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

    /// The fields, shared by copies until one of them changes (`Box`).
    private struct Fields: Sendable {
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
    }

    /// A request copies its table's definition a few times, and copying
    /// some forty strings and arrays one by one made as many reference-count
    /// updates, on memory every request thread shares; a copy is now one.
    private final class Box: @unchecked Sendable {
        var fields: Fields

        init(_ fields: Fields) {
            self.fields = fields
        }
    }

    private var box: Box

    /// The fields to change, copied first if another definition shares them.
    private mutating func ownFields() -> Box {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        return box
    }

    public var name: String {
        get { box.fields.name }
        set { ownFields().fields.name = newValue }
    }
    public var id: String {
        get { box.fields.id }
        set { ownFields().fields.id = newValue }
    }
    public var arn: String {
        get { box.fields.arn }
        set { ownFields().fields.arn = newValue }
    }
    /// Seconds since 1970.
    public var creationTime: Double {
        get { box.fields.creationTime }
        set { ownFields().fields.creationTime = newValue }
    }
    public var keySchema: KeySchema {
        get { box.fields.keySchema }
        set { ownFields().fields.keySchema = newValue }
    }
    public var attributeDefinitions: [KeyAttribute] {
        get { box.fields.attributeDefinitions }
        set { ownFields().fields.attributeDefinitions = newValue }
    }
    public var billingMode: BillingMode {
        get { box.fields.billingMode }
        set { ownFields().fields.billingMode = newValue }
    }
    /// Only for PROVISIONED tables.
    public var throughput: Throughput? {
        get { box.fields.throughput }
        set { ownFields().fields.throughput = newValue }
    }
    /// Seconds since 1970 of the last switch to PAY_PER_REQUEST.
    public var lastSwitchToPayPerRequest: Double? {
        get { box.fields.lastSwitchToPayPerRequest }
        set { ownFields().fields.lastSwitchToPayPerRequest = newValue }
    }
    public var tags: [(key: String, value: String)] {
        get { box.fields.tags }
        set { ownFields().fields.tags = newValue }
    }
    public var deletionProtection: Bool {
        get { box.fields.deletionProtection }
        set { ownFields().fields.deletionProtection = newValue }
    }
    public var tableClass: String? {
        get { box.fields.tableClass }
        set { ownFields().fields.tableClass = newValue }
    }
    /// In the order they were created.
    public var globalIndexes: [IndexDefinition] {
        get { box.fields.globalIndexes }
        set { ownFields().fields.globalIndexes = newValue }
    }
    /// Made with the table, never changed.
    public var localIndexes: [IndexDefinition] {
        get { box.fields.localIndexes }
        set { ownFields().fields.localIndexes = newValue }
    }
    /// The attribute whose Number value (epoch seconds) says when an item
    /// expires; nil while time to live is disabled.
    public var timeToLiveAttribute: String? {
        get { box.fields.timeToLiveAttribute }
        set { ownFields().fields.timeToLiveAttribute = newValue }
    }
    /// Seconds since 1970 of the last time to live change.
    public var timeToLiveChanged: Double? {
        get { box.fields.timeToLiveChanged }
        set { ownFields().fields.timeToLiveChanged = newValue }
    }
    /// The table's streams, oldest first: the last is enabled unless the
    /// table's stream is off; the others are disabled and still readable.
    public var streams: [StreamDefinition] {
        get { box.fields.streams }
        set { ownFields().fields.streams = newValue }
    }
    /// The table's resource-based policy, if one was put.
    public var resourcePolicy: ResourcePolicy? {
        get { box.fields.resourcePolicy }
        set { ownFields().fields.resourcePolicy = newValue }
    }
    /// Its streams' policies, by stream label.
    public var streamPolicies: [String: ResourcePolicy] {
        get { box.fields.streamPolicies }
        set { ownFields().fields.streamPolicies = newValue }
    }
    /// Point-in-time recovery, while it is on.
    public var pointInTimeRecovery: PointInTimeRecovery? {
        get { box.fields.pointInTimeRecovery }
        set { ownFields().fields.pointInTimeRecovery = newValue }
    }
    /// Set on a table made by a restore.
    public var restore: RestoreSummary? {
        get { box.fields.restore }
        set { ownFields().fields.restore = newValue }
    }
    /// True while ImportTable loads the table's items: it is CREATING.
    public var importing: Bool {
        get { box.fields.importing }
        set { ownFields().fields.importing = newValue }
    }

    public init(
        name: String, id: String, arn: String, creationTime: Double, keySchema: KeySchema,
        attributeDefinitions: [KeyAttribute], billingMode: BillingMode, throughput: Throughput?,
        tags: [(key: String, value: String)] = [], deletionProtection: Bool = false, tableClass: String? = nil
    ) {
        box = Box(Fields(
            name: name, id: id, arn: arn, creationTime: creationTime, keySchema: keySchema,
            attributeDefinitions: attributeDefinitions, billingMode: billingMode, throughput: throughput, tags: tags,
            deletionProtection: deletionProtection, tableClass: tableClass))
    }

    /// Member-wise; written out because tags are tuples, which cannot be Equatable.
    public static func == (lhs: TableDefinition, rhs: TableDefinition) -> Bool {
        lhs.box === rhs.box || lhs.name == rhs.name && lhs.id == rhs.id && lhs.arn == rhs.arn && lhs.creationTime == rhs.creationTime
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
