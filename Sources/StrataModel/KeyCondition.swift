/// The sort-key part of a Query's key condition, in DynamoDB's terms.
public enum SortKeyCondition: Sendable, Equatable {
    case equal(AttributeValue)
    case less(AttributeValue)
    case lessOrEqual(AttributeValue)
    case greater(AttributeValue)
    case greaterOrEqual(AttributeValue)
    case between(AttributeValue, AttributeValue)
    case beginsWith(AttributeValue)

    /// The values the condition compares the sort key with.
    public var operands: [AttributeValue] {
        switch self {
        case .equal(let v), .less(let v), .lessOrEqual(let v), .greater(let v), .greaterOrEqual(let v), .beginsWith(let v): [v]
        case .between(let low, let high): [low, high]
        }
    }
}

/// A Query's key condition: one partition-key value and at most one
/// condition on the sort key.
public struct KeyCondition: Sendable, Equatable {
    public var partitionKeyName: String
    public var partitionKey: AttributeValue
    public var sortKeyName: String?
    public var sortKey: SortKeyCondition?

    public init(partitionKeyName: String, partitionKey: AttributeValue, sortKeyName: String? = nil, sortKey: SortKeyCondition? = nil) {
        self.partitionKeyName = partitionKeyName
        self.partitionKey = partitionKey
        self.sortKeyName = sortKeyName
        self.sortKey = sortKey
    }
}
