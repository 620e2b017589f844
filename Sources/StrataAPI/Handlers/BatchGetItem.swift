import StrataAdmission
import StrataModel

extension DynamoAPI {
    /// DynamoDB's limit on one BatchGetItem's answer.
    static let batchGetMaximumResponseBytes = 16 * 1024 * 1024

    func batchGetItem(_ input: BatchGetItemInput, _ context: RequestContext) async throws -> BatchGetItemOutput {
        var tables: [(reads: BatchGetItemInput.TableReads, definition: TableDefinition, keys: [PrimaryKey])] = []
        for reads in input.tables {
            let definition = try existingTable(reads.name)
            tables.append((reads, definition, try BatchGetItemInput.keys(of: reads, in: definition)))
        }
        var output = BatchGetItemOutput(report: input.report)
        var ledger = ConsumedCapacityLedger()
        var throttled: DynamoError?
        var anyRead = false
        // Read until the answer would pass 16 MB; the rest is unprocessed.
        var responseBytes = 0
        for table in tables {
            var found: [Item] = []
            var leftOver: [JSONValue] = []
            let reserved = CapacityUnits.read(bytes: 0, consistent: table.reads.consistent)
            for (key, keyJSON) in zip(table.keys, table.reads.keys) {
                guard leftOver.isEmpty else {
                    leftOver.append(keyJSON)
                    continue
                }
                // A key that admission refuses comes back unprocessed.
                let ticket: AdmissionTicket
                do {
                    ticket = try await context.admit(.read, table: table.definition, partitionKey: key.partition, reserving: reserved)
                } catch {
                    throttled = error
                    leftOver.append(keyJSON)
                    continue
                }
                anyRead = true
                let stored = try await storage.getItem(table: table.reads.name, key: key)
                let units = CapacityUnits.read(bytes: stored?.size ?? 0, consistent: table.reads.consistent)
                ticket.charge(units)
                ledger.add(units, table: table.reads.name)
                guard let stored else { continue }
                if responseBytes + stored.size > Self.batchGetMaximumResponseBytes {
                    leftOver.append(keyJSON)
                    continue
                }
                responseBytes += stored.size
                let item = try stored.item()
                found.append(table.reads.projection?.apply(to: item) ?? item)
            }
            output.responses.append((table.reads.name, found))
            if !leftOver.isEmpty {
                var again = table.reads.request
                again["Keys"] = .array(leftOver)
                output.unprocessed[table.reads.name] = .object(again)
            }
        }
        // Only when nothing at all could be read is throttling an error.
        if let throttled, !anyRead { throw throttled }
        output.consumed = ledger.entries
        return output
    }
}
