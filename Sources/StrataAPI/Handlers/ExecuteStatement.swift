import StrataModel
import StrataPartiQL

extension DynamoAPI {
    func executeStatement(_ input: ExecuteStatementInput, _ context: RequestContext) async throws -> StatementOutput {
        let lowered = try lower(input.statement)
        var request = lowered.request
        switch lowered.operation {
        case .getItem:
            request.members.append(("ConsistentRead", .bool(input.consistent)))
        case .query, .scan:
            request.members.append(("ConsistentRead", .bool(input.consistent)))
            if let limit = input.limit { request.members.append(("Limit", .number(String(limit)))) }
            if let start = input.exclusiveStart { request.members.append(("ExclusiveStartKey", start.jsonValue)) }
        case .putItem, .updateItem, .deleteItem:
            if let onFailure = input.returnValuesOnConditionCheckFailure {
                request.members.append(("ReturnValuesOnConditionCheckFailure", .string(onFailure)))
            }
        case .conditionCheck:
            throw DynamoError.validation("EXISTS can only be used in ExecuteTransaction")
        }
        if input.report != .none { request.members.append(("ReturnConsumedCapacity", .string(input.report.rawValue))) }
        return try await perform(lowered, RequestBody(request), context)
    }

    /// Parses a statement (through the cache), finds its table and lowers it.
    func lower(_ statement: StatementInput) throws(DynamoError) -> LoweredStatement {
        let parsed = try ParsedStatement.parse(statement.text, cache: statementCache)
        return try parsed.lower(parameters: statement.parameters, table: try existingTable(parsed.tableName))
    }

    /// Runs a lowered statement as its operation: the request decodes into
    /// the operation's typed input and goes to the operation's handler.
    func perform(_ lowered: LoweredStatement, _ request: RequestBody, _ context: RequestContext) async throws -> StatementOutput {
        do {
            switch lowered.operation {
            case .getItem:
                return StatementOutput(try await getItem(GetItemInput(request, cache: expressionCache), context))
            case .query:
                return StatementOutput(try await query(QueryInput(request, cache: expressionCache), context))
            case .scan:
                // A scan is a long request: it runs on the bulk threads, as Scan does.
                let input = try ScanInput(request, cache: expressionCache)
                return try await withTaskExecutorPreference(storage.bulkExecutor) {
                    StatementOutput(try await scan(input, context))
                }
            case .putItem:
                return StatementOutput(try await putItem(PutItemInput(request, cache: expressionCache), context))
            case .updateItem:
                return StatementOutput(try await updateItem(UpdateItemInput(request, cache: expressionCache), context))
            case .deleteItem:
                return StatementOutput(try await deleteItem(DeleteItemInput(request, cache: expressionCache), context))
            case .conditionCheck:
                throw DynamoError.validation("EXISTS can only be used in ExecuteTransaction")
            }
        } catch DynamoError.conditionalCheckFailed(_, let item) where lowered.isInsert {
            _ = item
            throw DynamoError.duplicateItem(Self.duplicateItemMessage)
        }
    }

    static let duplicateItemMessage = "Duplicate primary key exists in table"
}
