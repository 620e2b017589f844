import StrataModel
import StrataPartiQL

extension DynamoAPI {
    /// A transaction of reads becomes TransactGetItems, one of writes
    /// (EXISTS among them as condition checks) TransactWriteItems.
    func executeTransaction(_ input: ExecuteTransactionInput, _ context: RequestContext) async throws -> ExecuteTransactionOutput {
        var statements: [LoweredStatement] = []
        for statement in input.statements { statements.append(try lower(statement)) }
        let reads = statements.filter(\.isRead).count
        var request = JSONObject()
        if input.report != .none { request.members.append(("ReturnConsumedCapacity", .string(input.report.rawValue))) }
        if reads == statements.count {
            var gets: [JSONValue] = []
            for statement in statements {
                guard statement.operation == .getItem else {
                    throw DynamoError.validation("Select statements within ExecuteTransaction must specify an equality condition on all key attributes")
                }
                gets.append(.object(JSONObject([("Get", .object(statement.request))])))
            }
            request.members.append(("TransactItems", .array(gets)))
            return .reads(try await transactGetItems(TransactGetItemsInput(RequestBody(request), cache: expressionCache), context))
        }
        guard reads == 0 else {
            throw DynamoError.validation("Transaction statements must be either all reads or all writes")
        }
        var writes: [JSONValue] = []
        for statement in statements {
            guard statement.request["ReturnValues"] == nil else {
                throw DynamoError.validation("ExecuteTransaction does not support RETURNING")
            }
            let action = switch statement.operation {
            case .putItem: "Put"
            case .updateItem: "Update"
            case .deleteItem: "Delete"
            default: "ConditionCheck"
            }
            writes.append(.object(JSONObject([(action, .object(statement.request))])))
        }
        request.members.append(("TransactItems", .array(writes)))
        if let token = input.clientRequestToken { request.members.append(("ClientRequestToken", .string(token))) }
        do {
            return .writes(try await transactWriteItems(TransactWriteItemsInput(RequestBody(request), cache: expressionCache), context))
        } catch DynamoError.transactionCanceled(_, var reasons) {
            // An INSERT whose key is taken fails as DuplicateItem.
            for (position, statement) in statements.enumerated() where statement.isInsert && reasons[position].code == "ConditionalCheckFailed" {
                reasons[position] = CancellationReason(code: "DuplicateItem", message: Self.duplicateItemMessage)
            }
            throw DynamoError.transactionCanceled(reasons)
        }
    }
}
