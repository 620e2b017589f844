import StrataExpressions
import StrataModel

/// UpdateTable's request. What it changes is checked by `checkChanges()`,
/// which DynamoDB does only once it has found the table.
struct UpdateTableInput: OperationInput {
    let tableName: String
    let billingMode: TableDefinition.BillingMode?
    let throughput: ThroughputInput.Units?
    /// Whether ProvisionedThroughput was sent at all (even if incomplete).
    let sendsThroughput: Bool
    let deletionProtection: Bool?
    let tableClass: String?
    let indexUpdates: [GlobalIndexUpdateInput]?
    /// The request's AttributeDefinitions, which only index creations use.
    let attributeDefinitions: [KeyAttribute]?
    let stream: StreamSpecificationInput?
    private let asksReplicaUpdates: Bool
    private let sendsEncryption: Bool

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let name = try request.string("TableName")
        let billingModeText = try request.string("BillingMode")
        let throughputRequest = try request.object("ProvisionedThroughput")
        deletionProtection = try request.bool("DeletionProtectionEnabled")
        tableClass = try request.string("TableClass")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        violations.checkEnum(billingModeText, at: "billingMode", allowed: ["PROVISIONED", "PAY_PER_REQUEST"])
        throughput = try ThroughputInput.decode(throughputRequest, at: "provisionedThroughput", into: &violations)
        let definitionsRequest = try request.objects("AttributeDefinitions")
        attributeDefinitions = definitionsRequest == nil ? nil : try AttributeDefinitionsInput.decode(definitionsRequest, into: &violations)
        indexUpdates = try GlobalIndexUpdateInput.decode(request.objects("GlobalSecondaryIndexUpdates"), into: &violations)
        stream = try StreamSpecificationInput.decode(request.object("StreamSpecification"), into: &violations)
        try violations.throwIfAny()
        try stream?.check(creating: false)
        tableName = name ?? ""
        billingMode = billingModeText.flatMap(TableDefinition.BillingMode.init(rawValue:))
        sendsThroughput = throughputRequest != nil
        asksReplicaUpdates = try request.array("ReplicaUpdates") != nil
        if indexUpdates?.contains(where: \.changesIndexes) == true, throughputRequest != nil {
            throw .validation("One or more parameter values were invalid: You cannot create or delete index while updating table IOPS")
        }
        if stream != nil, throughputRequest != nil {
            throw .validation("One or more parameter values were invalid: You cannot modify stream status while updating table IOPS")
        }
        sendsEncryption = try request.object("SSESpecification") != nil
    }

    /// Refuses what this server cannot change and a request that changes nothing.
    func checkChanges() throws(DynamoError) {
        if asksReplicaUpdates {
            throw .validation("This server does not support replica updates")
        }
        if billingMode == nil, !sendsThroughput, deletionProtection == nil, tableClass == nil, !sendsEncryption, indexUpdates == nil, stream == nil {
            // AWS's current list (verified 2026-10); it names members this server does not take.
            throw .validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required")
        }
    }

    /// Applies the change to the table's definition, refusing what
    /// DynamoDB refuses given the table's current state.
    func apply(to definition: inout TableDefinition, at now: Double) throws(DynamoError) {
        let billingMode = self.billingMode ?? definition.billingMode
        let previousMode = definition.billingMode
        if billingMode == .payPerRequest {
            if sendsThroughput {
                throw .validation(
                    "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
            }
            if definition.billingMode != .payPerRequest {
                definition.billingMode = .payPerRequest
                definition.throughput = nil
                definition.lastSwitchToPayPerRequest = now
            }
        } else {
            if definition.billingMode == .payPerRequest && throughput == nil {
                throw .validation(
                    "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
            }
            definition.billingMode = .provisioned
            if let throughput {
                try Self.applyThroughput(throughput, to: &definition, at: now)
            }
        }
        // The table's own throughput is checked before its indexes', as in DynamoDB Local.
        try switchIndexes(from: previousMode, to: billingMode, in: &definition)
        if let deletionProtection { definition.deletionProtection = deletionProtection }
        if let tableClass { definition.tableClass = tableClass }
        if let indexUpdates {
            try GlobalIndexUpdateInput.apply(indexUpdates, definitions: attributeDefinitions, to: &definition, at: now)
        }
        try stream?.apply(to: &definition, at: now)
    }

    /// A switch of billing mode takes the global indexes along: to
    /// PROVISIONED, each needs an Update with its throughput in the same
    /// request; to PAY_PER_REQUEST, they lose theirs.
    private func switchIndexes(
        from previousMode: TableDefinition.BillingMode, to billingMode: TableDefinition.BillingMode, in definition: inout TableDefinition
    ) throws(DynamoError) {
        guard billingMode != previousMode, !definition.globalIndexes.isEmpty else { return }
        if billingMode == .payPerRequest {
            for position in definition.globalIndexes.indices { definition.globalIndexes[position].throughput = nil }
            return
        }
        var updated = Set<String>()
        for case .update(let name, _) in indexUpdates ?? [] { updated.insert(name) }
        let missing = definition.globalIndexes.map(\.name).filter { !updated.contains($0) }
        if !missing.isEmpty {
            throw .validation("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: \(missing.joined(separator: ","))")
        }
        for position in definition.globalIndexes.indices { definition.globalIndexes[position].throughput = nil }
    }

    private static func applyThroughput(_ units: ThroughputInput.Units, to definition: inout TableDefinition, at now: Double) throws(DynamoError) {
        guard var current = definition.throughput else {
            definition.throughput = .init(readCapacityUnits: units.read, writeCapacityUnits: units.write, lastIncrease: now)
            return
        }
        if current.readCapacityUnits == units.read && current.writeCapacityUnits == units.write {
            throw .validation(
                "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: \(current.readCapacityUnits). Requested ReadCapacityUnits: \(units.read). Current WriteCapacityUnits provisioned for the table: \(current.writeCapacityUnits). Requested WriteCapacityUnits: \(units.write). Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
        }
        current.change(to: units, at: now)
        definition.throughput = current
    }
}

extension TableDefinition.Throughput {
    /// New units, with the dates and count of increases and decreases.
    mutating func change(to units: ThroughputInput.Units, at now: Double) {
        if units.read > readCapacityUnits || units.write > writeCapacityUnits { lastIncrease = now }
        if units.read < readCapacityUnits || units.write < writeCapacityUnits {
            lastDecrease = now
            decreasesToday += 1
        }
        readCapacityUnits = units.read
        writeCapacityUnits = units.write
    }
}
