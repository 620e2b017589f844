import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    private typealias BatchWrite = BatchWriteItemInput.Write

    func batchWriteItem(_ input: BatchWriteItemInput, _ context: RequestContext) async throws -> BatchWriteItemOutput {
        let writes = try input.writes(existingTable)
        // Writes that admission refuses come back unprocessed; the rest all
        // join their partitions' next group commits at once.
        var admitted: [(write: BatchWrite, ticket: AdmissionTicket, indexTickets: IndexWriteTickets)] = []
        var unprocessed: [BatchWrite] = []
        var throttled: (any Error)?
        for write in writes {
            var ticket: AdmissionTicket?
            do {
                ticket = try await context.admit(.write, table: write.table, partitionKey: write.key.partition, reserving: CapacityUnits.write(bytes: 0))
                admitted.append((write, ticket!, try await IndexWriteTickets(table: write.table, context: context)))
            } catch {
                ticket?.release()
                throttled = error
                unprocessed.append(write)
            }
        }
        if let throttled, admitted.isEmpty { throw throttled }
        // A write to an item that a transaction holds comes back unprocessed.
        let units = try await withThrowingTaskGroup(of: (Int, Charged<Void>?).self) { group in
            for (index, entry) in admitted.enumerated() {
                let write = entry.write
                group.addTask { [storage] in
                    do {
                        let item = write.request.item, stored = item.map { StoredItem($0) }, table = write.table
                        if let stored, table.indexes.isEmpty {
                            return (index, try await self.replaceCharged(table: table.name, key: write.key, with: stored))
                        }
                        let units = try await storage.writeItem(table: table.name, key: write.key) { current in
                            let units = CapacityUnits.write(bytes: max(current.size ?? 0, stored?.size ?? 0))
                            let indexes = table.indexes.isEmpty ? IndexWriteUnits() : IndexWriteUnits(table: table, old: try current.item(), new: item)
                            return ItemWrite(stored.map { .put($0) } ?? .delete, result: Charged(result: (), units: units, indexes: indexes))
                        }
                        return (index, units)
                    } catch DynamoError.transactionConflict {
                        return (index, nil)
                    }
                }
            }
            var units = [Charged<Void>?](repeating: nil, count: admitted.count)
            for try await (index, cost) in group { units[index] = cost }
            return units
        }
        // Each write is rounded on its own and charged to its key; the
        // answer sums them per table.
        var ledger = ConsumedCapacityLedger()
        for (entry, cost) in zip(admitted, units) {
            entry.ticket.charge(cost.map { entry.indexTickets.tableUnits($0.units, indexes: $0.indexes) } ?? 0)
            entry.indexTickets.charge(cost?.indexes ?? IndexWriteUnits())
            if let cost {
                ledger.add(cost.consumed(tableName: entry.write.table.name))
            } else {
                unprocessed.append(entry.write)
            }
        }
        var unprocessedObject = JSONObject()
        for write in unprocessed {
            var list: [JSONValue] = []
            if case .array(let existing)? = unprocessedObject[write.table.name] { list = existing }
            list.append(write.request.json)
            unprocessedObject[write.table.name] = .array(list)
        }
        return BatchWriteItemOutput(unprocessed: unprocessedObject, consumed: ledger.entries, report: input.report)
    }
}
