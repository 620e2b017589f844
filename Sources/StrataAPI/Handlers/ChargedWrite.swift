import StrataAdmission
import StrataModel

/// The write units a single-item write consumed, carried out of the
/// partition writer with its result, or with its failure: a write whose
/// condition fails still consumes capacity.
struct Charged<Result: Sendable>: Sendable {
    var result: Result
    /// The table's own units.
    var units: Double
    /// The indexes' units, charged on top.
    var indexes = IndexWriteUnits()

    /// The capacity a response reports.
    func consumed(tableName: String) -> ConsumedCapacity {
        var consumed = ConsumedCapacity(tableName: tableName, units: units)
        indexes.add(to: &consumed)
        return consumed
    }
}

struct ChargedFailure: Error {
    var error: any Error
    var units: Double
}

extension DynamoAPI {
    /// Admits a single-item write, runs it, and charges what it consumed,
    /// also when it failed after touching the item.
    func chargedWrite<T: Sendable>(
        table: TableDefinition, partitionKey: AttributeValue, context: RequestContext, _ write: () async throws -> Charged<T>
    ) async throws -> Charged<T> {
        let ticket = try await context.admit(.write, table: table, partitionKey: partitionKey, reserving: CapacityUnits.write(bytes: 0))
        let indexTickets: IndexWriteTickets
        do {
            indexTickets = try await IndexWriteTickets(table: table, context: context)
        } catch {
            ticket.release()
            throw error
        }
        do {
            let outcome = try await write()
            ticket.charge(indexTickets.tableUnits(outcome.units, indexes: outcome.indexes))
            indexTickets.charge(outcome.indexes)
            return outcome
        } catch let failure as ChargedFailure {
            ticket.charge(failure.units)
            throw failure.error
        }
    }
}
