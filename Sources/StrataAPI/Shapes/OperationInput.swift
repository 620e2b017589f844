import StrataExpressions
import StrataModel

/// An operation's request, decoded and checked in DynamoDB's order with its
/// messages, as far as the request alone allows. What needs a table (its
/// key schema) is checked by the input's own methods once the handler has
/// found the table, so no handler holds validation.
protocol OperationInput: Sendable {
    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError)
}
