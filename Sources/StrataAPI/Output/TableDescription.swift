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
    /// Entries and bytes of each index, by name.
    var indexStatistics: [String: PartitionStatistics] = [:]

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
        if !isDeletion {
            o["KeySchema"] = .array(Self.keySchema(definition.keySchema))
        }
        // A restored or imported table is CREATING until its items are all in.
        let loading = definition.restore?.inProgress == true || definition.importing
        o["TableStatus"] = .string(status == "ACTIVE" && loading ? "CREATING" : status)
        if !isDeletion {
            o["CreationDateTime"] = .number(Self.timestamp(definition.creationTime))
        }
        o["ProvisionedThroughput"] = Self.throughput(definition.throughput)
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
        if !isDeletion {
            if !definition.globalIndexes.isEmpty { o["GlobalSecondaryIndexes"] = .array(definition.globalIndexes.map(index)) }
            if !definition.localIndexes.isEmpty { o["LocalSecondaryIndexes"] = .array(definition.localIndexes.map(index)) }
            if let stream = definition.currentStream {
                o["StreamSpecification"] = .object(JSONObject([
                    ("StreamEnabled", .bool(true)), ("StreamViewType", .string(stream.viewType.rawValue)),
                ]))
            }
            if let latest = definition.streams.last {
                o["LatestStreamLabel"] = .string(latest.label)
                o["LatestStreamArn"] = .string(latest.arn(tableARN: definition.arn))
            }
            if let restore = definition.restore {
                var summary = JSONObject()
                if let backup = restore.sourceBackupArn { summary["SourceBackupArn"] = .string(backup) }
                summary["SourceTableArn"] = .string(restore.sourceTableArn)
                summary["RestoreDateTime"] = .number(Self.timestamp(restore.restoreTime))
                summary["RestoreInProgress"] = .bool(restore.inProgress)
                o["RestoreSummary"] = .object(summary)
            }
        }
        return .object(o)
    }

    /// A table's or global index's ProvisionedThroughput: zeros when it has none.
    static func throughput(_ provisioned: TableDefinition.Throughput?) -> JSONValue {
        var throughput = JSONObject()
        if let v = provisioned?.lastIncrease { throughput["LastIncreaseDateTime"] = .number(timestamp(v)) }
        if let v = provisioned?.lastDecrease { throughput["LastDecreaseDateTime"] = .number(timestamp(v)) }
        throughput["NumberOfDecreasesToday"] = .number(String(provisioned?.decreasesToday ?? 0))
        throughput["ReadCapacityUnits"] = .number(String(provisioned?.readCapacityUnits ?? 0))
        throughput["WriteCapacityUnits"] = .number(String(provisioned?.writeCapacityUnits ?? 0))
        return .object(throughput)
    }

    /// A GlobalSecondaryIndexDescription, or a LocalSecondaryIndexDescription
    /// (no status, throughput or backfilling).
    private func index(_ index: IndexDefinition) -> JSONValue {
        var o = Self.indexShape(index)
        if index.kind == .global {
            o["IndexStatus"] = .string(index.status.rawValue)
            if let backfilling = index.backfilling { o["Backfilling"] = .bool(backfilling) }
            o["ProvisionedThroughput"] = Self.throughput(index.throughput)
        }
        let statistics = indexStatistics[index.name] ?? PartitionStatistics()
        o["IndexSizeBytes"] = .number(String(statistics.sizeBytes))
        o["ItemCount"] = .number(String(statistics.itemCount))
        o["IndexArn"] = .string(index.arn(tableARN: definition.arn))
        return .object(o)
    }

    /// An index's name, key schema and projection.
    static func indexShape(_ index: IndexDefinition) -> JSONObject {
        var o = JSONObject()
        o["IndexName"] = .string(index.name)
        o["KeySchema"] = .array(
            index.keySchema.partitionKeys.map { keyElement($0.name, "HASH") } + index.keySchema.sortKeys.map { keyElement($0.name, "RANGE") })
        var projection = JSONObject()
        projection["ProjectionType"] = .string(index.projection.kind.rawValue)
        if index.projection.kind == .include {
            projection["NonKeyAttributes"] = .array(index.projection.nonKeyAttributes.map { .string($0) })
        }
        o["Projection"] = .object(projection)
        return o
    }

    /// A table's KeySchema member.
    static func keySchema(_ schema: KeySchema) -> [JSONValue] {
        [keyElement(schema.partitionKey.name, "HASH")] + (schema.sortKey.map { [keyElement($0.name, "RANGE")] } ?? [])
    }

    private static func keyElement(_ name: String, _ type: String) -> JSONValue {
        .object(JSONObject([("AttributeName", .string(name)), ("KeyType", .string(type))]))
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
