import StrataAdmission
import StrataModel

/// Admission of a transaction's items: all of them, or none.
struct TransactionAdmission {
    struct Entry {
        let table: TableDefinition
        let partitionKey: AttributeValue
    }

    let access: Access
    let entries: [Entry]

    init(access: Access, tables: [TableDefinition], keys: [PrimaryKey]) {
        self.access = access
        entries = zip(tables, keys).map { Entry(table: $0, partitionKey: $1.partition) }
    }

    /// The least one transactional item costs, taken at admission.
    var reserved: Double {
        access == .read ? CapacityUnits.read(bytes: 0, consistent: true, transactional: true) : CapacityUnits.write(bytes: 0, transactional: true)
    }

    /// Admits every item or, giving back what the others took, none.
    func admit(_ admission: AdmissionController) throws(DynamoError) {
        for (index, entry) in entries.enumerated() {
            do {
                try admission.admit(access, table: entry.table, partitionKey: entry.partitionKey, reserving: reserved)
            } catch {
                for admitted in entries[..<index] {
                    admission.charge(access, units: 0, reserved: reserved, table: admitted.table, partitionKey: admitted.partitionKey)
                }
                throw error
            }
        }
    }

    /// Charges what each item consumed (nil: nothing, the transaction never read it).
    func charge(_ admission: AdmissionController, units: [Double?]) {
        for (entry, units) in zip(entries, units) {
            admission.charge(access, units: units ?? 0, reserved: reserved, table: entry.table, partitionKey: entry.partitionKey)
        }
    }
}
