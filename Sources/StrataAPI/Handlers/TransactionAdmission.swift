import StrataAdmission
import StrataModel
import StrataStorage

/// Admission of a transaction's items: all of them, or none.
enum TransactionAdmission {
    /// The least one transactional item costs, taken at admission.
    static func reserved(_ access: Access) -> Double {
        access == .read ? CapacityUnits.read(bytes: 0, consistent: true, transactional: true) : CapacityUnits.write(bytes: 0, transactional: true)
    }

    /// A ticket for every item or, giving back what the others took, none.
    static func admit(
        _ access: Access, tables: [TableDefinition], keys: [PrimaryKey], context: RequestContext
    ) async throws(DynamoError) -> [AdmissionTicket] {
        var tickets: [AdmissionTicket] = []
        for (table, key) in zip(tables, keys) {
            do {
                tickets.append(try await context.admit(access, table: table, partitionKey: key.partition, reserving: reserved(access)))
            } catch {
                for ticket in tickets { ticket.release() }
                throw error
            }
        }
        return tickets
    }

    /// Charges what each item consumed (nil: nothing, the transaction never read it).
    static func charge(_ tickets: [AdmissionTicket], units: [Double?]) {
        for (ticket, units) in zip(tickets, units) { ticket.charge(units ?? 0) }
    }
}

extension TransactionConflict {
    /// The cancellation reasons of a transaction of `count` items that met these items held.
    func reasons(of count: Int) -> [CancellationReason] {
        var reasons = [CancellationReason](repeating: .none, count: count)
        for index in indices {
            reasons[index] = CancellationReason(code: "TransactionConflict", message: "Transaction is ongoing for the item")
        }
        return reasons
    }
}
