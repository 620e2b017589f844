/// The values of an index's key attributes in one item, in the order of
/// the index's key schema.
public struct IndexKeyValues: Sendable, Hashable {
    public var partition: [AttributeValue]
    public var sort: [AttributeValue]

    public init(partition: [AttributeValue], sort: [AttributeValue]) {
        self.partition = partition
        self.sort = sort
    }
}

extension IndexDefinition {
    /// The item's index key, or nil if the item lacks one of the key
    /// attributes or holds one that no key may hold (another type, empty,
    /// too long): it is not in the index (sparse). Writes check values
    /// first (`IndexKeyCheck`), so a stored item with such a value is one
    /// written before the index existed; the backfill skips it, as
    /// DynamoDB does.
    public func keyValues(of item: Item) -> IndexKeyValues? {
        var partition: [AttributeValue] = []
        var sort: [AttributeValue] = []
        partition.reserveCapacity(keySchema.partitionKeys.count)
        for attribute in keySchema.partitionKeys {
            guard let value = item[attribute.name], Self.isKeyValue(value, of: attribute, limit: KeyLimits.maximumPartitionKeyBytes)
            else { return nil }
            partition.append(value)
        }
        for attribute in keySchema.sortKeys {
            guard let value = item[attribute.name], Self.isKeyValue(value, of: attribute, limit: KeyLimits.maximumSortKeyBytes)
            else { return nil }
            sort.append(value)
        }
        return IndexKeyValues(partition: partition, sort: sort)
    }

    private static func isKeyValue(_ value: AttributeValue, of attribute: KeyAttribute, limit: Int) -> Bool {
        attribute.type.matches(value) && !value.isEmptyKeyValue && value.size <= limit
    }

    /// What the index stores of `item`: its index key, the table's key,
    /// and the projected attributes.
    public func entry(of item: Item, tableKey: KeySchema) -> Item {
        switch projection.kind {
        case .all:
            return item
        case .keysOnly, .include:
            var entry: Item = [:]
            for attribute in keySchema.attributes { entry[attribute.name] = item[attribute.name] }
            for attribute in tableKey.attributes { entry[attribute.name] = item[attribute.name] }
            if projection.kind == .include {
                for name in projection.nonKeyAttributes { entry[name] = item[name] }
            }
            return entry
        }
    }

    /// Whether the index holds attribute `name` of its items.
    public func projects(_ name: String, tableKey: KeySchema) -> Bool {
        switch projection.kind {
        case .all: true
        case .keysOnly, .include:
            keySchema.attributes.contains { $0.name == name } || tableKey.attributes.contains { $0.name == name }
                || (projection.kind == .include && projection.nonKeyAttributes.contains(name))
        }
    }
}

extension AttributeValue {
    /// An empty string or binary: never allowed as a key value.
    public var isEmptyKeyValue: Bool {
        switch self {
        case .s(let s): s.isEmpty
        case .b(let b): b.isEmpty
        default: false
        }
    }
}
