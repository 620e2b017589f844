import StrataModel
import StrataPartiQL

extension DynamoAPI {
    /// Runs each statement on its own, as BatchGetItem and BatchWriteItem
    /// run their requests; a statement's failure is its response's error,
    /// never the batch's.
    func batchExecuteStatement(_ input: BatchExecuteStatementInput, _ context: RequestContext) async throws -> BatchStatementOutput {
        var output = BatchStatementOutput(report: input.report)
        var ledger = ConsumedCapacityLedger()
        var reads: Bool?
        for entry in input.entries {
            var response = BatchStatementOutput.Response()
            do {
                let parsed = try ParsedStatement.parse(entry.statement.text, cache: statementCache)
                response.tableName = parsed.tableName
                if let reads, reads != parsed.isRead {
                    throw DynamoError.validation("Batch statements must be either all reads or all writes")
                }
                reads = parsed.isRead
                let lowered = try parsed.lower(parameters: entry.statement.parameters, table: try existingTable(parsed.tableName))
                var request = lowered.request
                switch lowered.operation {
                case .getItem:
                    request.members.append(("ConsistentRead", .bool(entry.consistent)))
                case .query, .scan, .conditionCheck:
                    throw DynamoError.validation("Select statements within BatchExecuteStatement must specify an equality condition on all key attributes")
                case .putItem, .updateItem, .deleteItem:
                    if let onFailure = entry.returnValuesOnConditionCheckFailure {
                        request.members.append(("ReturnValuesOnConditionCheckFailure", .string(onFailure)))
                    }
                }
                request.members.append(("ReturnConsumedCapacity", .string(CapacityReport.indexes.rawValue)))
                let result = try await perform(lowered, RequestBody(request), context)
                if let consumed = result.consumed?.0 { ledger.add(consumed) }
                if lowered.isRead { response.item = result.item }
            } catch let error as DynamoError {
                var item: Item?
                if case .conditionalCheckFailed(_, let failed) = error { item = failed }
                response.error = (BatchStatementOutput.code(of: error), error.message, item)
            }
            output.responses.append(response)
        }
        output.consumed = ledger.entries
        return output
    }
}
