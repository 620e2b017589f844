import StrataExpressions
import StrataModel

/// An operation's request, decoded and checked in DynamoDB's order with its
/// messages, as far as the request alone allows. What needs a table (its
/// key schema) is checked by the input's own methods once the handler has
/// found the table, so no handler holds validation.
///
/// DynamoDB answers the first problem it finds, in this order, and every
/// input keeps it:
///
/// 1. Serialization: a member of the wrong JSON type anywhere in the request
///    (`SerializationException`), found as each member is read.
/// 2. Member constraints: lengths, ranges, enums, required members, all
///    collected into one `N validation errors detected` (`ConstraintViolations`).
///    A malformed attribute value found while reading waits until these are
///    checked (`RequestBody.itemCheckedLater`).
/// 3. What needs no table, in the operation's own order: legacy and
///    expression parameters not mixed; names and values given only with
///    expressions that can use them; the item's or key's attribute values;
///    ReturnValues for the operation; the names and values themselves
///    (`ExpressionParameters.checkMembers`); the expressions; every name and
///    value used; a batch's same key twice.
/// 4. The table exists (`ResourceNotFoundException`), found by the handler.
/// 5. What needs the table: the key against the key schema, the index, a
///    Query's key condition and start key, a filter that reads a key.
///
/// Sources: dynalite's tests, run against live DynamoDB, make validation
/// requests against tables that do not exist and get the validation
/// error; its validations/index.js orders steps 1 to 3. The differential
/// harness (Tests/differential) checks the order against DynamoDB Local.
protocol OperationInput: Sendable {
    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError)
}
