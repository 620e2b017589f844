import StrataAdmission
import StrataModel
import StrataStorage

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

    /// A put that needs nothing of the current item but its size (no
    /// condition, no old image, no index): the engine may write without
    /// reading first. The units are the larger of the two items'.
    func replaceCharged(table: String, key: PrimaryKey, with item: StoredItem) async throws -> Charged<Void> {
        let replaced = try await storage.replaceItem(table: table, key: key, with: item)
        return Charged(result: (), units: CapacityUnits.write(bytes: max(replaced ?? 0, item.size)))
    }
}
