/// A Query's key condition on an index: equality on every partition-key
/// attribute, equality on the first sort-key attributes, and at most one
/// condition on the sort-key attribute after those. A table's own key is
/// the case of one partition attribute and at most one sort attribute.
public struct IndexKeyCondition: Sendable, Equatable {
    public var partition: [AttributeValue]
    public var sortEqualities: [AttributeValue]
    public var sortCondition: SortKeyCondition?

    public init(partition: [AttributeValue], sortEqualities: [AttributeValue] = [], sortCondition: SortKeyCondition? = nil) {
        self.partition = partition
        self.sortEqualities = sortEqualities
        self.sortCondition = sortCondition
    }
}
