import StrataModel
import StrataStorage

/// The `TableDescription` structure of CreateTable, DescribeTable,
/// UpdateTable and DeleteTable responses, in the member their answer
/// names (`Table` for DescribeTable, `TableDescription` for the others).
struct TableDescription: OperationOutput {
    var wrapper: String
    var definition: TableDefinition
    var statistics: PartitionStatistics
    var status = "ACTIVE"

    /// DeleteTable's description leaves out what no longer matters.
    var isDeletion: Bool { status == "DELETING" }

    var json: JSONValue {
        var o = JSONObject()
        if !isDeletion {
            o["AttributeDefinitions"] = .array(definition.attributeDefinitions.map {
            .object(JSONObject([("AttributeName", .string($0.name)), ("AttributeType", .string($0.type.rawValue))]))
        })
        }
        o["TableName"] = .string(definition.name)
        var keySchema: [JSONValue] = [
            .object(JSONObject([("AttributeName", .string(definition.keySchema.partitionKey.name)), ("KeyType", .string("HASH"))])),
        ]
        if let sortKey = definition.keySchema.sortKey {
            keySchema.append(.object(JSONObject([("AttributeName", .string(sortKey.name)), ("KeyType", .string("RANGE"))])))
        }
        if !isDeletion {
            o["KeySchema"] = .array(keySchema)
        }
        o["TableStatus"] = .string(status)
        if !isDeletion {
            o["CreationDateTime"] = .number(Self.timestamp(definition.creationTime))
        }
        var throughput = JSONObject()
        let provisioned = definition.throughput
        if let v = provisioned?.lastIncrease { throughput["LastIncreaseDateTime"] = .number(Self.timestamp(v)) }
        if let v = provisioned?.lastDecrease { throughput["LastDecreaseDateTime"] = .number(Self.timestamp(v)) }
        throughput["NumberOfDecreasesToday"] = .number(String(provisioned?.decreasesToday ?? 0))
        throughput["ReadCapacityUnits"] = .number(String(provisioned?.readCapacityUnits ?? 0))
        throughput["WriteCapacityUnits"] = .number(String(provisioned?.writeCapacityUnits ?? 0))
        o["ProvisionedThroughput"] = .object(throughput)
        o["TableSizeBytes"] = .number(String(statistics.sizeBytes))
        o["ItemCount"] = .number(String(statistics.itemCount))
        o["TableArn"] = .string(definition.arn)
        o["TableId"] = .string(definition.id)
        var billing = JSONObject()
        billing["BillingMode"] = .string(definition.billingMode.rawValue)
        if let v = definition.lastSwitchToPayPerRequest {
            billing["LastUpdateToPayPerRequestDateTime"] = .number(Self.timestamp(v))
        }
        o["BillingModeSummary"] = .object(billing)
        if let tableClass = definition.tableClass {
            o["TableClassSummary"] = .object(JSONObject([("TableClass", .string(tableClass))]))
        }
        o["DeletionProtectionEnabled"] = .bool(definition.deletionProtection)
        return .object(o)
    }

    /// Seconds since 1970 with millisecond precision, as DynamoDB sends them.
    static func timestamp(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        let whole = milliseconds / 1000, fraction = milliseconds % 1000
        if fraction == 0 { return String(whole) }
        var fractionText = String(fraction)
        while fractionText.count < 3 { fractionText = "0" + fractionText }
        while fractionText.hasSuffix("0") { fractionText.removeLast() }
        return "\(whole).\(fractionText)"
    }

    func write(to writer: inout JSONWriter) {
        writer.value(.object(JSONObject([(wrapper, json)])))
    }
}
