import StrataAdmission
import StrataModel

/// The write units a single-item write consumed, carried out of the
/// partition writer with its result, or with its failure: a write whose
/// condition fails still consumes capacity.
struct Charged<Result: Sendable>: Sendable {
    var result: Result
    var units: Double
}

struct ChargedFailure: Error {
    var error: any Error
    var units: Double
}

extension DynamoAPI {
    /// Admits a single-item write, runs it, and charges what it consumed,
    /// also when it failed after touching the item.
    func chargedWrite<T: Sendable>(
        table: TableDefinition, partitionKey: AttributeValue, _ write: () async throws -> Charged<T>
    ) async throws -> Charged<T> {
        let reserved = CapacityUnits.write(bytes: 0)
        try admission.admit(.write, table: table, partitionKey: partitionKey, reserving: reserved)
        do {
            let outcome = try await write()
            admission.charge(.write, units: outcome.units, reserved: reserved, table: table, partitionKey: partitionKey)
            return outcome
        } catch let failure as ChargedFailure {
            admission.charge(.write, units: failure.units, reserved: reserved, table: table, partitionKey: partitionKey)
            throw failure.error
        }
    }
}
