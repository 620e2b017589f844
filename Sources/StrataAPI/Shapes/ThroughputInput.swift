import StrataModel

/// The `ProvisionedThroughput` parameter.
enum ThroughputInput {
    struct Units: Sendable {
        var read: Int
        var write: Int
    }

    static func decode(_ request: RequestBody?, at path: String, into violations: inout ConstraintViolations) throws(DynamoError) -> Units? {
        guard let request else { return nil }
        let read = try request.long("ReadCapacityUnits")
        let write = try request.long("WriteCapacityUnits")
        for (value, member) in [(read, "readCapacityUnits"), (write, "writeCapacityUnits")] {
            if let value {
                if value < 1 {
                    violations.add("'\(value)'", at: "\(path).\(member)", "Member must have value greater than or equal to 1")
                }
            } else {
                violations.requireNonNull(nil, at: "\(path).\(member)")
            }
        }
        guard let read, let write else { return nil }
        return Units(read: read, write: write)
    }

    /// DynamoDB's ceiling on either unit.
    static let maximumUnits = 1_000_000_000_000

    /// ProvisionedThroughput is required for PROVISIONED tables and forbidden
    /// for PAY_PER_REQUEST; `explicitMode` says whether BillingMode was given.
    static func checkMatches(billingMode: TableDefinition.BillingMode, explicitMode: Bool, throughput: Units?) throws(DynamoError) {
        if let throughput {
            for (value, name) in [(throughput.read, "ReadCapacityUnits"), (throughput.write, "WriteCapacityUnits")] where value > maximumUnits {
                throw .validation("Given value \(value) for \(name) is out of bounds")
            }
        }
        switch (billingMode, throughput) {
        case (.provisioned, nil) where !explicitMode:
            throw .validation("No provisioned throughput specified for the table")
        case (.provisioned, nil):
            throw .validation(
                "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
        case (.payPerRequest, .some):
            throw .validation(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        default:
            break
        }
    }
}
