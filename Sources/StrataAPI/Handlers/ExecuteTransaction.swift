import StrataModel
import StrataPartiQL

extension DynamoAPI {
    /// A transaction of reads becomes TransactGetItems, one of writes
    /// (EXISTS among them as condition checks) TransactWriteItems.
    func executeTransaction(_ input: ExecuteTransactionInput, _ context: RequestContext) async throws -> ExecuteTransactionOutput {
        var parsed: [ParsedStatement] = []
        for position in input.statements.indices {
            parsed.append(try input.parsed(at: position, cache: statementCache))
        }
        let isRead = try ExecuteTransactionInput.isRead(parsed)
        // A missing table cancels the transaction, with its own reason.
        var missing = [CancellationReason](repeating: .none, count: parsed.count)
        var statements: [LoweredStatement] = []
        for (position, statement) in parsed.enumerated() {
            guard let table = storage.table(named: statement.tableName) else {
                missing[position] = CancellationReason(code: "ResourceNotFound", message: "Requested resource not found")
                continue
            }
            statements.append(try input.lowered(statement, at: position, table: table))
        }
        if missing.contains(where: { $0.code != "None" }) { throw DynamoError.transactionCanceled(missing) }

        var request = JSONObject()
        input.report.ask(in: &request)
        if isRead {
            let gets = statements.map { JSONValue.object(JSONObject([("Get", .object($0.request))])) }
            request.members.append(("TransactItems", .array(gets)))
            var output = try await transactGetItems(TransactGetItemsInput(RequestBody(request), cache: expressionCache), context)
            for (position, statement) in statements.enumerated() {
                if let columns = statement.columns, let item = output.items[position] { output.items[position] = columns.apply(to: item) }
            }
            return .reads(output)
        }
        var writes: [JSONValue] = []
        for statement in statements {
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
