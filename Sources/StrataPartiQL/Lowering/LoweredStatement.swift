import StrataModel

/// A statement lowered to one of DynamoDB's operations: the operation and
/// the request a client would have sent for it. The API decodes that
/// request into the operation's typed input, so a statement reaches
/// validation, admission, storage, indexes and streams by the same path.
public struct LoweredStatement: Sendable {
    public enum Operation: Sendable {
        case getItem
        case query
        case scan
        case putItem
        case updateItem
        case deleteItem
        /// `EXISTS(SELECT ...)` in a transaction.
        case conditionCheck
    }

    public let operation: Operation
    /// TableName, Key or Item, the expressions with their names and values,
    /// IndexName, ScanIndexForward, ReturnValues: whatever the operation
    /// needs. More than one for a SELECT of several partition-key values
    /// (`IN`, `OR`): a Query of each, run in turn.
    public let requests: [JSONObject]
    /// INSERT: a failed condition means the key is taken (DuplicateItemException).
    public var isInsert = false
    /// A SELECT of nested paths: how to turn each item read into its answer.
    public var columns: SelectColumns?
    /// An EXISTS whose WHERE clause adds a condition to the key, as a
    /// transaction requires.
    public var hasCondition = false

    /// The request, when there is one.
    public var request: JSONObject { requests[0] }

    /// A SELECT of an index (or an EXISTS of one), which transactions and
    /// batches refuse.
    public var readsIndex: Bool { request["IndexName"] != nil }

    /// Whether the statement is a SELECT.
    public var isRead: Bool {
        switch operation {
        case .getItem, .query, .scan: true
        case .putItem, .updateItem, .deleteItem, .conditionCheck: false
        }
    }

    /// The one item a statement reads or writes: what a batch or a
    /// transaction may not name twice.
    public func item(in table: TableDefinition) -> ItemIdentity? {
        if let json = request["Key"], let key = try? Item(itemJSON: json) {
            return ItemIdentity(table: table.name, key: key)
        }
        if let json = request["Item"], let item = try? Item(itemJSON: json) {
            return ItemIdentity(table: table.name, key: item.filter { name, _ in table.keySchema.attributes.contains { $0.name == name } })
        }
        return nil
    }
}

/// A table's item, by its key.
public struct ItemIdentity: Hashable, Sendable {
    let table: String
    let key: Item
}
