import StrataAdmission
import StrataExpressions
import StrataModel

extension DynamoAPI {
    /// DynamoDB's limits on one BatchGetItem.
    static let batchGetMaximumKeys = 100
    static let batchGetMaximumResponseBytes = 16 * 1024 * 1024

    /// One table's part of a BatchGetItem.
    private struct TableReads {
        let name: String
        let definition: TableDefinition
        let consistent: Bool
        let keys: [(key: PrimaryKey, json: JSONValue)]
        let projection: ProjectionExpression?
        /// The table's request as sent, to hand back in UnprocessedKeys.
        let request: JSONObject
    }

    func batchGetItem(_ request: RequestBody) async throws -> [UInt8] {
        var violations = ConstraintViolations()
        let report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        let tables = try batchGetTables(request)
        var ledger = ConsumedCapacityLedger()
        var throttled: DynamoError?
        var anyRead = false
        // Read until the response would pass 16 MB; the rest is unprocessed.
        var writer = JSONWriter()
        writer.raw("{\"Responses\":{")
        var responseBytes = 0
        var unprocessed = JSONObject()
        for (tableIndex, table) in tables.enumerated() {
            if tableIndex > 0 { writer.raw(",") }
            writer.string(table.name)
            writer.raw(":[")
            var first = true
            var leftOver: [JSONValue] = []
            let reserved = CapacityUnits.read(bytes: 0, consistent: table.consistent)
            for entry in table.keys {
                guard leftOver.isEmpty else {
                    leftOver.append(entry.json)
                    continue
                }
                // A key that admission refuses comes back unprocessed.
                do {
                    try admission.admit(.read, table: table.definition, partitionKey: entry.key.partition, reserving: reserved)
                } catch {
                    throttled = error
                    leftOver.append(entry.json)
                    continue
                }
                anyRead = true
                let found = try await storage.getItem(table: table.name, key: entry.key)
                let units = CapacityUnits.read(bytes: found?.itemSize ?? 0, consistent: table.consistent)
                admission.charge(.read, units: units, reserved: reserved, table: table.definition, partitionKey: entry.key.partition)
                ledger.add(units, table: table.name)
                guard let item = found else { continue }
                if responseBytes + item.itemSize > Self.batchGetMaximumResponseBytes {
                    leftOver.append(entry.json)
                    continue
                }
                responseBytes += item.itemSize
                if !first { writer.raw(",") }
                first = false
                writer.item(table.projection?.apply(to: item) ?? item)
            }
            writer.raw("]")
            if !leftOver.isEmpty {
                var again = table.request
                again["Keys"] = .array(leftOver)
                unprocessed[table.name] = .object(again)
            }
        }
        // Only when nothing at all could be read is throttling an error.
        if let throttled, !anyRead { throw throttled }
        writer.raw("},\"UnprocessedKeys\":")
        writer.value(.object(unprocessed))
        ConsumedCapacity.append(ledger.entries, report: report, list: true, to: &writer)
        writer.raw("}")
        return writer.bytes
    }

    private func batchGetTables(_ request: RequestBody) throws -> [TableReads] {
        let requestItems = try RequestItemsInput.decode(request, operation: "BatchGetItem")
        var tables: [TableReads] = []
        var totalKeys = 0
        for member in requestItems.members {
            guard case .object(let tableObject) = member.value else { throw RequestBody.mismatch(member.value, expected: .structure) }
            let tableRequest = RequestBody(tableObject)
            let keysJSON = try tableRequest.array("Keys")
            var violations = ConstraintViolations()
            violations.checkTableName(member.key, at: "requestItems.\(member.key).member.tableName")
            if keysJSON == nil { violations.requireNonNull(nil, at: "requestItems.\(member.key).member.keys") }
            if let keysJSON, keysJSON.isEmpty {
                violations.add("'[]'", at: "requestItems.\(member.key).member.keys", "Member must have length greater than or equal to 1")
            }
            try violations.throwIfAny()
            totalKeys += keysJSON?.count ?? 0
            if totalKeys > Self.batchGetMaximumKeys {
                throw DynamoError.validation("Too many items requested for the BatchGetItem call")
            }
            let projection = try ProjectionInput.decode(tableRequest, cache: expressionCache)
            let table = try existingTable(member.key)
            var keys: [(key: PrimaryKey, json: JSONValue)] = []
            var seen = Set<PrimaryKey>()
            for keyJSON in keysJSON ?? [] {
                let key = try ItemKey.fromKey(try Item(itemJSON: keyJSON), schema: table.keySchema)
                guard seen.insert(key).inserted else {
                    throw DynamoError.validation("Provided list of item keys contains duplicates")
                }
                keys.append((key, keyJSON))
            }
            tables.append(TableReads(
                name: member.key, definition: table, consistent: try tableRequest.bool("ConsistentRead") ?? false,
                keys: keys, projection: projection, request: tableObject))
        }
        return tables
    }
}
