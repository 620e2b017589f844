import StrataModel

/// The throughput budget that several fronts over one database share: each
/// provisioned table's read and write capacity, as DynamoDB's global
/// admission control holds it for its request routers.
public protocol SharedCapacity: Sendable {
    /// Takes `units` of the table's `access` capacity (refilling at `rate`
    /// a second, holding at most `capacity`) from the shared budget, or what
    /// is left; more, up to a tenth of what it holds, while the budget is
    /// well filled, so that a front spending a burst asks seldom. Returns
    /// what it granted, 0 when the budget is empty; throws when the budget
    /// cannot be reached.
    func lease(_ units: Double, _ access: Access, table: TableDefinition, rate: Double, capacity: Double) async throws -> Double
    /// The fronts alive now, this one included (at least 1): while the
    /// budget cannot be reached, each front keeps to an equal share.
    var liveFronts: Int { get }
}
