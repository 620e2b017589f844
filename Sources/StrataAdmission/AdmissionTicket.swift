import StrataModel

/// One admitted claim on a table's (and a partition-key value's) capacity.
/// Admission took the least the request can cost; the request is charged
/// through its ticket once it knows what it consumed.
public struct AdmissionTicket: Sendable {
    let controller: AdmissionController
    public let access: Access
    let table: TableDefinition
    let partitionKey: AttributeValue?
    /// Units taken at admission.
    public let reserved: Double

    /// Takes the rest of what the request consumed (`units` in all), or
    /// gives back what it reserved and did not use.
    public func charge(_ units: Double) {
        controller.charge(access, units: units, reserved: reserved, table: table, partitionKey: partitionKey)
    }

    /// Gives back the reservation of a request that consumed nothing.
    public func release() {
        charge(0)
    }
}
