import StrataModel
import StrataPartiQL

extension DynamoAPI {
    /// Runs each statement on its own, as BatchGetItem and BatchWriteItem
    /// run their requests; a statement's failure is its response's error,
    /// never the batch's. Only reads mixed with writes, or one item named
    /// twice, refuse the whole batch.
    func batchExecuteStatement(_ input: BatchExecuteStatementInput, _ context: RequestContext) async throws -> BatchStatementOutput {
        var output = BatchStatementOutput(report: input.report)
        output.responses = Array(repeating: BatchStatementOutput.Response(), count: input.entries.count)
        var parsed = [ParsedStatement?](repeating: nil, count: input.entries.count)
        for (position, entry) in input.entries.enumerated() {
            do {
                parsed[position] = try entry.statement.parsed(cache: statementCache)
            } catch {
                output.responses[position].fail(error)
            }
        }
        try BatchExecuteStatementInput.checkNotMixed(parsed.compactMap { $0?.isRead })

        var statements = [LoweredStatement?](repeating: nil, count: input.entries.count)
        var items: [ItemIdentity] = []
        for (position, statement) in parsed.enumerated() {
            guard let statement else { continue }
            output.responses[position].tableName = statement.tableName
            do {
                let table = try existingTable(statement.tableName)
                let lowered = try input.lowered(statement, at: position, table: table)
                statements[position] = lowered
                if let item = lowered.item(in: table) { items.append(item) }
            } catch {
                output.responses[position].fail(error)
            }
        }
        try BatchExecuteStatementInput.checkDistinct(items)

        var ledger = ConsumedCapacityLedger()
        for (position, lowered) in statements.enumerated() {
            guard let lowered else { continue }
            var request = lowered.request
            if lowered.isRead { request.members.append(("ConsistentRead", .bool(input.entries[position].consistent))) }
            CapacityReport.indexes.ask(in: &request)
            do {
                var result = try await perform(lowered, RequestBody(request), context)
                if let columns = lowered.columns { try result.project(columns) }
                if let consumed = result.consumed?.0 { ledger.add(consumed) }
                output.responses[position].item = result.item
            } catch let error as DynamoError {
                output.responses[position].fail(error)
            }
        }
        output.consumed = ledger.entries
        return output
    }
}
