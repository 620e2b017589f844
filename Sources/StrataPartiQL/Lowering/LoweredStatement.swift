import StrataModel

/// A statement lowered to one of DynamoDB's operations: the operation and
/// the request a client would have sent for it. The API decodes that
/// request into the operation's typed input, so a statement reaches
/// validation, admission, storage, indexes and streams by the same path.
public struct LoweredStatement: Sendable {
    public enum Operation: String, Sendable {
        case getItem = "GetItem"
        case query = "Query"
        case scan = "Scan"
        case putItem = "PutItem"
        case updateItem = "UpdateItem"
        case deleteItem = "DeleteItem"
        /// `EXISTS(SELECT ...)` in a transaction.
        case conditionCheck = "ConditionCheck"
    }

    public let operation: Operation
    /// TableName, Key or Item, the expressions with their names and values,
    /// IndexName, ScanIndexForward, ReturnValues: whatever the operation
    /// needs. More than one for a SELECT of several partition-key values
    /// (`IN`, `OR`): a Query of each, run in turn.
    public let requests: [JSONObject]
    /// INSERT: a failed condition means the key is taken (DuplicateItemException).
    public let isInsert: Bool

    /// The request, when there is one.
    public var request: JSONObject { requests[0] }

    public var isRead: Bool {
        switch operation {
        case .getItem, .query, .scan: true
        case .putItem, .updateItem, .deleteItem, .conditionCheck: false
        }
    }
}
