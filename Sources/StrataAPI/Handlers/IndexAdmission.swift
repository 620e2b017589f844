import StrataAdmission
import StrataModel

/// A global index with throughput of its own draws on buckets of its own,
/// as DynamoDB's do: its reads on the read bucket, the table's writes on
/// the write bucket by what they cost the index.
extension TableDefinition {
    /// The index as admission sees it: a provisioned "table" of its own.
    func admissionTable(of index: IndexDefinition) -> TableDefinition? {
        guard index.kind == .global, billingMode == .provisioned, let throughput = index.throughput else { return nil }
        var table = self
        table.id = "\(id)/index/\(index.name)"
        table.throughput = throughput
        return table
    }
}

/// The write tickets of a table's provisioned global indexes.
struct IndexWriteTickets {
    private var tickets: [(index: String, ticket: AdmissionTicket)] = []

    /// Refuses the write, before anything is written, if a provisioned
    /// global index of the table has no write capacity left.
    init(table: TableDefinition, context: RequestContext) async throws(DynamoError) {
        for index in table.globalIndexes where index.status != .deleting {
            guard let indexTable = table.admissionTable(of: index) else { continue }
            do {
                tickets.append((index.name, try await context.admit(.write, table: indexTable, partitionKey: nil, reserving: 0)))
            } catch {
                throw .provisionedThroughputExceeded(
                    "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API")
            }
        }
    }

    /// Charges each index what the write cost it.
    func charge(_ units: IndexWriteUnits) {
        for (name, ticket) in tickets {
            ticket.charge(units.charges.first { $0.index.name == name }?.units ?? 0)
        }
    }

    /// What a write costs the table's own bucket: its own units, and those
    /// of the indexes without throughput of their own (an on-demand table's).
    func tableUnits(_ units: Double, indexes: IndexWriteUnits) -> Double {
        units + indexes.charges.filter { charge in !tickets.contains { $0.index == charge.index.name } }.reduce(0) { $0 + $1.units }
    }
}
