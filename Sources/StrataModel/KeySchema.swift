/// The scalar types a key attribute may have.
public enum ScalarAttributeType: String, Sendable, Hashable, CaseIterable {
    case string = "S"
    case number = "N"
    case binary = "B"

    public func matches(_ value: AttributeValue) -> Bool {
        switch (self, value) {
        case (.string, .s), (.number, .n), (.binary, .b): true
        default: false
        }
    }
}

/// One key attribute: its name and scalar type.
public struct KeyAttribute: Sendable, Hashable {
    public var name: String
    public var type: ScalarAttributeType

    public init(name: String, type: ScalarAttributeType) {
        self.name = name
        self.type = type
    }
}

/// A table's (or index's) primary key: a partition key and an optional sort key.
public struct KeySchema: Sendable, Hashable {
    public var partitionKey: KeyAttribute
    public var sortKey: KeyAttribute?

    public init(partitionKey: KeyAttribute, sortKey: KeyAttribute? = nil) {
        self.partitionKey = partitionKey
        self.sortKey = sortKey
    }

    public var attributes: [KeyAttribute] {
        [partitionKey] + (sortKey.map { [$0] } ?? [])
    }
}

/// The key of one item.
public struct PrimaryKey: Sendable, Hashable {
    public var partition: AttributeValue
    public var sort: AttributeValue?

    public init(partition: AttributeValue, sort: AttributeValue? = nil) {
        self.partition = partition
        self.sort = sort
    }

    /// The key attributes as an item, for responses such as LastEvaluatedKey.
    public func item(in schema: KeySchema) -> Item {
        var item: Item = [schema.partitionKey.name: partition]
        if let sortKey = schema.sortKey, let sort { item[sortKey.name] = sort }
        return item
    }
}

/// Limits on key values.
public enum KeyLimits {
    public static let maximumPartitionKeyBytes = 2048
    public static let maximumSortKeyBytes = 1024
}
