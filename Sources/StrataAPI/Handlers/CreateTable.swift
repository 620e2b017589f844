#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import StrataModel

extension DynamoAPI {
    func createTable(_ request: RequestBody) async throws -> [UInt8] {
        let name = try request.string("TableName")
        let attributeDefinitions = try request.objects("AttributeDefinitions")
        let keySchema = try request.objects("KeySchema")
        let billingModeText = try request.string("BillingMode")
        let throughputRequest = try request.object("ProvisionedThroughput")

        guard let name else {
            throw DynamoError.validation("The parameter 'TableName' is required but was not present in the request")
        }
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        let keyElements = try KeySchemaInput.decode(keySchema, at: "keySchema", into: &violations)
        let definitions = try AttributeDefinitionsInput.decode(attributeDefinitions, into: &violations)
        violations.checkEnum(billingModeText, at: "billingMode", allowed: ["PROVISIONED", "PAY_PER_REQUEST"])
        let throughput = try ThroughputInput.decode(throughputRequest, at: "provisionedThroughput", into: &violations)
        try violations.throwIfAny()
        guard let keyElements, let definitions else {
            throw DynamoError.validation("Invalid table definition")
        }

        let billingMode = TableDefinition.BillingMode(rawValue: billingModeText ?? "PROVISIONED") ?? .provisioned
        try ThroughputInput.checkMatches(
            billingMode: billingMode, explicitMode: billingModeText != nil, throughput: throughputRequest == nil ? nil : throughput)
        if try request.array("GlobalSecondaryIndexes") != nil || request.array("LocalSecondaryIndexes") != nil {
            throw DynamoError.validation("Secondary indexes are not supported by this server yet")
        }
        let schema = try KeySchemaInput.resolve(keyElements, definitions: definitions)
        let tags = try TagsInput.decode(request.objects("Tags"))

        let now = Date().timeIntervalSince1970
        var definition = TableDefinition(
            name: name, id: UUID().uuidString.lowercased(),
            arn: "arn:aws:dynamodb:\(configuration.region):\(configuration.accountID):table/\(name)",
            creationTime: now, keySchema: schema, attributeDefinitions: definitions,
            billingMode: billingMode,
            throughput: billingMode == .provisioned ? throughput.map { .init(readCapacityUnits: $0.read, writeCapacityUnits: $0.write) } : nil,
            tags: tags,
            deletionProtection: try request.bool("DeletionProtectionEnabled") ?? false,
            tableClass: try request.string("TableClass"))
        if billingMode == .payPerRequest { definition.lastSwitchToPayPerRequest = now }
        let created = try await storage.createTable(definition)
        return TableDescription(definition: created, statistics: .init()).response(wrappedIn: "TableDescription")
    }
}
