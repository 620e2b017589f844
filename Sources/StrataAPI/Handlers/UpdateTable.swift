#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StrataModel

extension DynamoAPI {
    func updateTable(_ request: RequestBody) async throws -> [UInt8] {
        let name = try request.string("TableName")
        let billingModeText = try request.string("BillingMode")
        let throughputRequest = try request.object("ProvisionedThroughput")
        let deletionProtection = try request.bool("DeletionProtectionEnabled")
        let tableClass = try request.string("TableClass")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        violations.checkEnum(billingModeText, at: "billingMode", allowed: ["PROVISIONED", "PAY_PER_REQUEST"])
        let throughput = try ThroughputInput.decode(throughputRequest, at: "provisionedThroughput", into: &violations)
        try violations.throwIfAny()
        guard let name else { throw DynamoError.validation("Invalid table name") }
        guard storage.table(named: name) != nil else {
            throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
        }
        if try request.array("GlobalSecondaryIndexUpdates") != nil || request.object("StreamSpecification") != nil
            || request.array("ReplicaUpdates") != nil {
            throw DynamoError.validation("This server does not support index, stream or replica updates yet")
        }
        if billingModeText == nil, throughputRequest == nil, deletionProtection == nil, tableClass == nil,
           try request.object("SSESpecification") == nil {
            throw DynamoError.validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
        }

        let now = Date().timeIntervalSince1970
        let before = try existingTable(name)
        let updated = try await storage.updateTable(named: name) { definition in
            let billingMode = billingModeText.flatMap(TableDefinition.BillingMode.init(rawValue:)) ?? definition.billingMode
            if billingMode == .payPerRequest {
                if throughputRequest != nil {
                    throw DynamoError.validation(
                        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
                }
                if definition.billingMode != .payPerRequest {
                    definition.billingMode = .payPerRequest
                    definition.throughput = nil
                    definition.lastSwitchToPayPerRequest = now
                }
            } else {
                if definition.billingMode == .payPerRequest && throughput == nil {
                    throw DynamoError.validation(
                        "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
                }
                definition.billingMode = .provisioned
                if let throughput {
                    try Self.applyThroughput(throughput, to: &definition, at: now)
                }
            }
            if let deletionProtection { definition.deletionProtection = deletionProtection }
            if let tableClass { definition.tableClass = tableClass }
        }
        admission.tableUpdated(from: before, to: updated)
        let statistics = try await storage.statistics(ofTable: name)
        return TableDescription(definition: updated, statistics: statistics).response(wrappedIn: "TableDescription")
    }

    private static func applyThroughput(_ units: ThroughputInput.Units, to definition: inout TableDefinition, at now: Double) throws {
        guard var current = definition.throughput else {
            definition.throughput = .init(readCapacityUnits: units.read, writeCapacityUnits: units.write, lastIncrease: now)
            return
        }
        if current.readCapacityUnits == units.read && current.writeCapacityUnits == units.write {
            throw DynamoError.validation(
                "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: \(current.readCapacityUnits). Requested ReadCapacityUnits: \(units.read). Current WriteCapacityUnits provisioned for the table: \(current.writeCapacityUnits). Requested WriteCapacityUnits: \(units.write). Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
        }
        if units.read > current.readCapacityUnits || units.write > current.writeCapacityUnits { current.lastIncrease = now }
        if units.read < current.readCapacityUnits || units.write < current.writeCapacityUnits {
            current.lastDecrease = now
            current.decreasesToday += 1
        }
        current.readCapacityUnits = units.read
        current.writeCapacityUnits = units.write
        definition.throughput = current
    }
}
