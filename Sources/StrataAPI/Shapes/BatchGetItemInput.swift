import StrataExpressions
import StrataModel

/// BatchGetItem's request: up to 100 keys across tables.
struct BatchGetItemInput: OperationInput {
    static let maximumKeys = 100

    /// One table's part of the request, before its keys meet the table.
    struct TableReads: Sendable {
        let name: String
        let keys: [JSONValue]
        let consistent: Bool
        let projection: ProjectionExpression?
        /// The table's request as sent, to hand back in UnprocessedKeys.
        let request: JSONObject
    }

    let tables: [TableReads]
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        let requestItems = try RequestItemsInput.decode(request, operation: "BatchGetItem")
        var tables: [TableReads] = []
        var totalKeys = 0
        for member in requestItems.members {
            guard case .object(let tableObject) = member.value else { throw RequestBody.mismatch(member.value, expected: .structure) }
            let tableRequest = RequestBody(tableObject)
            let keys = try tableRequest.array("Keys")
            var violations = ConstraintViolations()
            violations.checkTableName(member.key, at: "requestItems.\(member.key).member.tableName")
            if keys == nil { violations.requireNonNull(nil, at: "requestItems.\(member.key).member.keys") }
            if let keys, keys.isEmpty {
                violations.add("'[]'", at: "requestItems.\(member.key).member.keys", "Member must have length greater than or equal to 1")
            }
            if let keys, keys.count > Self.maximumKeys {
                // One table's list past 100 is a constraint, in AWS's form (nubo-db/dynamodb-conformance, 2026).
                violations.addWithoutValue(
                    at: "RequestItems.\(member.key).member.Keys", "Member must have length less than or equal to \(Self.maximumKeys)")
            }
            try violations.throwIfAny()
            try Self.rejectDuplicates(keys ?? [])
            totalKeys += keys?.count ?? 0
            if totalKeys > Self.maximumKeys {
                throw .validation("Too many items requested for the BatchGetItem call")
            }
            tables.append(TableReads(
                name: member.key, keys: keys ?? [], consistent: try tableRequest.bool("ConsistentRead") ?? false,
                projection: try ProjectionInput.decode(tableRequest, cache: cache), request: tableObject))
        }
        self.tables = tables
    }

    /// The same key twice is refused before any table is looked up: the keys
    /// are compared as they are written.
    private static func rejectDuplicates(_ keys: [JSONValue]) throws(DynamoError) {
        var seen = Set<Item>()
        for key in keys {
            guard let item = try? Item(itemJSON: key) else { continue }
            if !seen.insert(item).inserted { throw .validation("Provided list of item keys contains duplicates") }
        }
    }

    /// One table's keys checked against its schema: no key twice.
    static func keys(of reads: TableReads, in table: TableDefinition) throws(DynamoError) -> [PrimaryKey] {
        var keys: [PrimaryKey] = []
        var seen = Set<PrimaryKey>()
        for keyJSON in reads.keys {
            let key = try ItemKey.fromKey(try Item(itemJSON: keyJSON), schema: table.keySchema)
            guard seen.insert(key).inserted else {
                throw .validation("Provided list of item keys contains duplicates")
            }
            keys.append(key)
        }
        return keys
    }
}
