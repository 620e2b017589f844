import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func transactGetItems(_ input: TransactGetItemsInput, _ context: RequestContext) async throws -> TransactGetItemsOutput {
        let (tables, keys) = try input.targets(existingTable)
        let tickets = try await TransactionAdmission.admit(.read, tables: tables, keys: keys, context: context)
        let items: [Item?]
        do {
            items = try await storage.readTransaction(zip(tables, keys).map { TransactionTarget(table: $0.name, key: $1) })
        } catch let conflict as TransactionConflict {
            // Items a failed transaction still holds, past the bounded wait.
            for ticket in tickets { ticket.release() }
            throw DynamoError.transactionCanceled(conflict.reasons(of: keys.count))
        } catch {
            for ticket in tickets { ticket.release() }
            throw error
        }
        let units = items.map { CapacityUnits.read(bytes: $0?.itemSize ?? 0, consistent: true, transactional: true) }
        TransactionAdmission.charge(tickets, units: units)

        var ledger = ConsumedCapacityLedger()
        ledger.split = .read
        for (table, cost) in zip(tables, units) { ledger.add(cost, table: table.name) }
        let projected = zip(items, input.gets).map { item, get in item.map { get.projection?.apply(to: $0) ?? $0 } }
        return TransactGetItemsOutput(items: projected, consumed: ledger.entries, report: input.report)
    }
}
