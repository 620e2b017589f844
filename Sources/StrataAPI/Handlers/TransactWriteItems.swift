import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func transactWriteItems(_ input: TransactWriteItemsInput, _ context: RequestContext) async throws -> TransactWriteItemsOutput {
        let actions = input.actions
        let tables = try actions.map { action throws(DynamoError) in try existingTable(action.tableName) }
        let keys = try input.keys(in: tables)
        let tickets = try await TransactionAdmission.admit(.write, tables: tables, keys: keys, context: context)
        // Each table's provisioned global indexes once, with what they have left.
        var indexTickets: [String: IndexWriteTickets] = [:]
        for table in tables where indexTickets[table.name] == nil {
            do {
                indexTickets[table.name] = try await IndexWriteTickets(table: table, context: context)
            } catch {
                for ticket in tickets { ticket.release() }
                throw error
            }
        }
        var indexUnits = [IndexWriteUnits](repeating: IndexWriteUnits(), count: actions.count)
        defer {
            for (table, units) in zip(tables, indexUnits) { indexTickets[table.name]?.charge(units) }
        }
        let targets = zip(actions, keys).map { TransactionTarget(table: $0.tableName, key: $1) }
        let keyItems = zip(keys, tables).map { $0.item(in: $1.keySchema) }
        var units = [Double?](repeating: nil, count: actions.count)
        let outcome: TransactionWriteOutcome
        do {
            outcome = try await storage.writeTransaction(targets, token: input.token) { current in
                try TransactWriteAction.decide(
                    actions, tables: tables, keys: keyItems, current: current, units: &units, indexUnits: &indexUnits)
            }
        } catch let conflict as TransactionConflict {
            TransactionAdmission.charge(tickets, units: units)
            throw DynamoError.transactionCanceled(conflict.reasons(of: actions.count))
        } catch {
            TransactionAdmission.charge(tickets, units: units)
            throw error
        }
        TransactionAdmission.charge(tickets, units: units)

        var ledger = ConsumedCapacityLedger()
        switch outcome {
        case .applied:
            ledger.split = .write
            for (table, cost) in zip(tables, units) { ledger.add(cost ?? 0, table: table.name) }
        case .alreadyApplied:
            // A repeat reports the reads of the items it found applied.
            ledger.split = .read
            if input.report != .none {
                let items = try await storage.readTransaction(targets)
                for (table, item) in zip(tables, items) {
                    ledger.add(CapacityUnits.read(bytes: item?.itemSize ?? 0, consistent: true, transactional: true), table: table.name)
                }
            }
        }
        return TransactWriteItemsOutput(consumed: ledger.entries, report: input.report)
    }
}
