import StrataModel
import StrataPartiQL

extension DynamoAPI {
    /// A transaction of reads becomes TransactGetItems, one of writes
    /// (EXISTS among them as condition checks) TransactWriteItems.
    func executeTransaction(_ input: ExecuteTransactionInput, _ context: RequestContext) async throws -> ExecuteTransactionOutput {
        var parsed: [ParsedStatement] = []
        for (position, statement) in input.statements.enumerated() {
            parsed.append(try Self.inStatement(position) { () throws(DynamoError) in
                try ParsedStatement.parse(statement.text, cache: statementCache)
            })
        }
        let reads = parsed.filter(\.isRead).count
        guard reads == 0 || reads == parsed.count else {
            throw DynamoError.validation("ExecuteTransaction API does not support both read and write operations in the same request.")
        }
        // A missing table cancels the transaction, with its own reason.
        var missing = [CancellationReason](repeating: .none, count: parsed.count)
        var statements: [LoweredStatement] = []
        for (position, statement) in parsed.enumerated() {
            guard let table = storage.table(named: statement.tableName) else {
                missing[position] = CancellationReason(code: "ResourceNotFound", message: "Requested resource not found")
                continue
            }
            statements.append(try Self.inStatement(position) { () throws(DynamoError) in
                let lowered = try statement.lower(parameters: input.statements[position].parameters, table: table)
                try Self.checkTransactable(lowered)
                return lowered
            })
        }
        if missing.contains(where: { $0.code != "None" }) { throw DynamoError.transactionCanceled(missing) }

        var request = JSONObject()
        input.report.ask(in: &request)
        if reads > 0 {
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

    /// What a transaction refuses in a statement that runs alone.
    private static func checkTransactable(_ statement: LoweredStatement) throws(DynamoError) {
        if statement.request["ReturnValues"] != nil {
            throw .validation("RETURNING clause is not supported in ExecuteTransaction.")
        }
        if statement.readsIndex { throw .validation("Reads on indices are not supported within transactions.") }
        if statement.isRead, statement.operation != .getItem {
            throw .validation("Select statements within ExecuteTransaction must specify the primary key in the where clause.")
        }
        if statement.operation == .conditionCheck, !statement.hasCondition {
            throw .validation("EXISTS() must contain a single item read with additional condition")
        }
    }

    /// A statement's ValidationException, naming the statement.
    private static func inStatement<T>(_ position: Int, _ body: () throws(DynamoError) -> T) throws(DynamoError) -> T {
        do {
            return try body()
        } catch .validation(let message) {
            throw .validation("Validation failed in TransactStatements[\(position)]: \(message)")
        }
    }
}
