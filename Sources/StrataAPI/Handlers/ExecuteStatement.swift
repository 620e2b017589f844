import StrataModel
import StrataPartiQL

extension DynamoAPI {
    func executeStatement(_ input: ExecuteStatementInput, _ context: RequestContext) async throws -> StatementOutput {
        let lowered = try lower(input.statement)
        var output: StatementOutput
        switch lowered.operation {
        case .query, .scan:
            output = try await read(lowered, input, context)
        default:
            var request = lowered.request
            if lowered.operation == .getItem {
                request.members.append(("ConsistentRead", .bool(input.consistent)))
            } else if let onFailure = input.returnValuesOnConditionCheckFailure {
                request.members.append(("ReturnValuesOnConditionCheckFailure", .string(onFailure)))
            }
            input.report.ask(in: &request)
            output = try await perform(lowered, RequestBody(request), context)
        }
        if let columns = lowered.columns { try output.project(columns) }
        return output
    }

    /// A SELECT as Query or Scan pages, from where its NextToken says: the
    /// Queries of several partition-key values run in turn, sharing the
    /// Limit, until one stops short or the answer holds a page's worth.
    private func read(_ lowered: LoweredStatement, _ input: ExecuteStatementInput, _ context: RequestContext) async throws -> StatementOutput {
        // Fingerprinted only when a token is given or made: most reads need neither.
        func next(_ request: Int, _ key: Item?) -> NextToken {
            NextToken(statement: NextToken.fingerprint(input.statement), request: request, key: key)
        }
        let resumption = try input.resumption(of: lowered)
        var output = StatementOutput()
        var position = resumption?.request ?? 0
        var start = resumption?.key
        var remaining = input.limit
        while position < lowered.requests.count {
            var request = lowered.requests[position]
            request.members.append(("ConsistentRead", .bool(input.consistent)))
            if let remaining { request.members.append(("Limit", .number(String(remaining)))) }
            if let start { request.members.append(("ExclusiveStartKey", start.jsonValue)) }
            input.report.ask(in: &request)
            let page = try await perform(lowered, RequestBody(request), context)
            output.append(page)
            if let key = page.lastEvaluatedKey {
                output.next = next(position, key)
                break
            }
            position += 1
            start = nil
            remaining = remaining.map { $0 - page.scannedCount }
            let full = (remaining ?? 1) <= 0 || output.items.bytes.count >= Self.statementPageBytes
            if full, position < lowered.requests.count {
                output.next = next(position, nil)
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
        let parsed = try statement.parsed(cache: statementCache)
        return try statement.loweredAlone(parsed, table: try existingTable(parsed.tableName))
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
                // Not reached: the inputs refuse an EXISTS outside a transaction when they lower it.
                throw StatementInput.existsOutsideTransaction
            }
        } catch DynamoError.conditionalCheckFailed where lowered.isInsert {
            throw DynamoError.duplicateItem(Self.duplicateItemMessage)
        } catch DynamoError.validation(let message) {
            throw DynamoError.validation(Self.statementMessage(message))
        }
    }

    /// An operation's fault, said of the statement: without the name of
    /// the expression parameter the statement became ("Invalid
    /// UpdateExpression: Incorrect operand type ..." is "Incorrect operand
    /// type ..."), and in PartiQL's words where they differ.
    static func statementMessage(_ message: String) -> String {
        if message == IndexRead.consistentGlobalRead { return "Strongly consistent read is not supported on Global Secondary Indexes" }
        for parameter in ["UpdateExpression", "ConditionExpression", "FilterExpression", "KeyConditionExpression", "ProjectionExpression"] {
            let prefix = "Invalid \(parameter): "
            if message.hasPrefix(prefix) { return String(message.dropFirst(prefix.count)) }
        }
        return message
    }

    static let duplicateItemMessage = "Duplicate primary key exists in table"
}
