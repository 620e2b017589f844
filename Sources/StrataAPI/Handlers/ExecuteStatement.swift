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
            return try await read(lowered, input, context)
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

    /// A SELECT as Query or Scan pages, from where its NextToken says: the
    /// Queries of several partition-key values run in turn, sharing the
    /// Limit, until one stops short or the answer holds a page's worth.
    private func read(_ lowered: LoweredStatement, _ input: ExecuteStatementInput, _ context: RequestContext) async throws -> StatementOutput {
        var output = StatementOutput()
        var position = input.start?.request ?? 0
        var start = input.start?.key
        guard position < lowered.requests.count else { throw DynamoError.validation("Invalid NextToken") }
        var remaining = input.limit
        while position < lowered.requests.count {
            var request = lowered.requests[position]
            request.members.append(("ConsistentRead", .bool(input.consistent)))
            if let remaining { request.members.append(("Limit", .number(String(remaining)))) }
            if let start { request.members.append(("ExclusiveStartKey", start.jsonValue)) }
            if input.report != .none { request.members.append(("ReturnConsumedCapacity", .string(input.report.rawValue))) }
            let page = try await perform(lowered, RequestBody(request), context)
            output.append(page)
            if let key = page.lastEvaluatedKey {
                output.next = NextToken(request: position, key: key)
                break
            }
            position += 1
            start = nil
            remaining = remaining.map { $0 - page.scannedCount }
            let full = (remaining ?? 1) <= 0 || output.items.bytes.count >= Self.statementPageBytes
            if full, position < lowered.requests.count {
                output.next = NextToken(request: position, key: nil)
                break
            }
        }
        return output
    }

    /// A SELECT of several partition-key values answers at most about this
    /// much before it hands back a NextToken, as one Query's page would.
    static let statementPageBytes = 1 << 20

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
