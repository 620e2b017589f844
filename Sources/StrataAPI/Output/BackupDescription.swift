import StrataModel
import StrataStorage

/// A backup as DynamoDB describes it: BackupDetails alone (CreateBackup),
/// a BackupSummary (ListBackups), or a BackupDescription with the source
/// table's details and features (DescribeBackup, DeleteBackup).
enum BackupDescription {
    static func details(_ backup: BackupRecord) -> JSONValue {
        var o = JSONObject()
        o["BackupArn"] = .string(backup.arn)
        o["BackupName"] = .string(backup.name)
        if backup.status != .creating { o["BackupSizeBytes"] = .number(String(backup.sizeBytes)) }
        o["BackupStatus"] = .string(backup.status.rawValue)
        o["BackupType"] = .string(backup.kind.rawValue)
        o["BackupCreationDateTime"] = .number(TableDescription.timestamp(backup.created))
        return .object(o)
    }

    static func summary(_ backup: BackupRecord) -> JSONValue {
        var o = JSONObject()
        o["TableName"] = .string(backup.table.name)
        o["TableId"] = .string(backup.table.id)
        o["TableArn"] = .string(backup.table.arn)
        o["BackupArn"] = .string(backup.arn)
        o["BackupName"] = .string(backup.name)
        o["BackupCreationDateTime"] = .number(TableDescription.timestamp(backup.created))
        o["BackupStatus"] = .string(backup.status.rawValue)
        o["BackupType"] = .string(backup.kind.rawValue)
        o["BackupSizeBytes"] = .number(String(backup.sizeBytes))
        return .object(o)
    }

    static func description(_ backup: BackupRecord) -> JSONValue {
        let table = backup.table
        var source = JSONObject()
        source["TableName"] = .string(table.name)
        source["TableId"] = .string(table.id)
        source["TableArn"] = .string(table.arn)
        source["TableSizeBytes"] = .number(String(backup.sizeBytes))
        source["KeySchema"] = .array(TableDescription.keySchema(table.keySchema))
        source["TableCreationDateTime"] = .number(TableDescription.timestamp(table.creationTime))
        source["ProvisionedThroughput"] = .object(JSONObject([
            ("ReadCapacityUnits", .number(String(table.throughput?.readCapacityUnits ?? 0))),
            ("WriteCapacityUnits", .number(String(table.throughput?.writeCapacityUnits ?? 0))),
        ]))
        source["ItemCount"] = .number(String(backup.itemCount))
        source["BillingMode"] = .string(table.billingMode.rawValue)
        var features = JSONObject()
        if !table.localIndexes.isEmpty {
            features["LocalSecondaryIndexes"] = .array(table.localIndexes.map { .object(TableDescription.indexShape($0)) })
        }
        if !table.globalIndexes.isEmpty {
            features["GlobalSecondaryIndexes"] = .array(table.globalIndexes.map { index in
                var o = TableDescription.indexShape(index)
                o["ProvisionedThroughput"] = .object(JSONObject([
                    ("ReadCapacityUnits", .number(String(index.throughput?.readCapacityUnits ?? 0))),
                    ("WriteCapacityUnits", .number(String(index.throughput?.writeCapacityUnits ?? 0))),
                ]))
                return .object(o)
            })
        }
        if let stream = table.currentStream {
            features["StreamDescription"] = .object(JSONObject([
                ("StreamEnabled", .bool(true)), ("StreamViewType", .string(stream.viewType.rawValue)),
            ]))
        }
        if let attribute = table.timeToLiveAttribute {
            features["TimeToLiveDescription"] = .object(JSONObject([
                ("TimeToLiveStatus", .string("ENABLED")), ("AttributeName", .string(attribute)),
            ]))
        }
        var o = JSONObject()
        o["BackupDetails"] = details(backup)
        o["SourceTableDetails"] = .object(source)
        o["SourceTableFeatureDetails"] = .object(features)
        return .object(o)
    }
}
