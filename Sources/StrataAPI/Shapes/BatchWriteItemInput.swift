import StrataExpressions
import StrataModel

/// BatchWriteItem's request: up to 25 puts and deletes across tables.
struct BatchWriteItemInput: OperationInput {
    static let maximumRequests = 25

    /// One put or delete, before it meets its table.
    struct Request: Sendable {
        let tableName: String
        /// The item of a put; nil for a delete.
        let item: Item?
        /// The key of a delete.
        let key: Item?
        /// The request as sent, to hand back in UnprocessedItems.
        let json: JSONValue
    }

    /// The requests of each table, in the order the tables were sent.
    let tables: [(name: String, requests: [Request])]
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        report = try CapacityReport.decode(request, into: &violations)
        _ = try ItemCollectionMetrics.decode(request, into: &violations)
        try violations.throwIfAny()
        let requestItems = try RequestItemsInput.decode(request, operation: "BatchWriteItem")
        for member in requestItems.members {
            violations.checkTableName(member.key, at: "requestItems.\(member.key).member.tableName")
            guard case .array(let entries) = member.value else { throw RequestBody.mismatch(member.value, expected: .list) }
            if entries.isEmpty || entries.count > Self.maximumRequests {
                // AWS quotes the whole map, `{table=[...]}` (nubo-db/dynamodb-conformance, run against AWS in 2026).
                let dump = entries.map { String(decoding: $0.serialized, as: UTF8.self) }.joined(separator: ", ")
                violations.add("'{\(member.key)=[\(dump)]}'", at: "requestItems",
                    "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
            }
        }
        try violations.throwIfAny()
        var tables: [(name: String, requests: [Request])] = []
        for member in requestItems.members {
            guard case .array(let entries) = member.value else { continue }
            var requests: [Request] = []
            for entry in entries {
                requests.append(try Self.request(entry, table: member.key))
            }
            tables.append((member.key, requests))
        }
        self.tables = tables
    }

    private static func request(_ entry: JSONValue, table: String) throws(DynamoError) -> Request {
        guard case .object(let object) = entry else { throw RequestBody.mismatch(entry, expected: .structure) }
        let writeRequest = RequestBody(object)
        switch (try writeRequest.object("PutRequest"), try writeRequest.object("DeleteRequest")) {
        case (let put?, nil):
            guard let item = try put.item("Item") else {
                throw .validation("1 validation error detected: Value null at 'requestItems.\(table).member.putRequest.item' failed to satisfy constraint: Member must not be null")
            }
            return Request(tableName: table, item: item, key: nil, json: entry)
        case (nil, let delete?):
            guard let key = try delete.item("Key") else {
                throw .validation("1 validation error detected: Value null at 'requestItems.\(table).member.deleteRequest.key' failed to satisfy constraint: Member must not be null")
            }
            return Request(tableName: table, item: nil, key: key, json: entry)
        default:
            throw .validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
        }
    }

    /// One put or delete, checked against its table.
    struct Write: Sendable {
        let table: TableDefinition
        let key: PrimaryKey
        let request: Request
    }

    /// Every request checked against its table, found with `lookup`, one
    /// after the other: its key fits (and a put's item and index keys), and
    /// only then that its key is not a table's twice; at most 25 in all.
    func writes(_ lookup: (String) throws(DynamoError) -> TableDefinition) throws(DynamoError) -> [Write] {
        var writes: [Write] = []
        for entry in tables {
            let table = try lookup(entry.name)
            var seen = Set<PrimaryKey>()
            for request in entry.requests {
                let key = try Self.primaryKey(of: request, in: table)
                guard seen.insert(key).inserted else {
                    throw .validation("Provided list of item keys contains duplicates")
                }
                writes.append(Write(table: table, key: key, request: request))
            }
        }
        if writes.count > Self.maximumRequests {
            throw .validation("Too many items requested for the BatchWriteItem call")
        }
        return writes
    }

    /// A request's key in its table; a put's item must also fit the size
    /// limit and hold valid index keys.
    private static func primaryKey(of request: Request, in table: TableDefinition) throws(DynamoError) -> PrimaryKey {
        if let item = request.item {
            let key = try ItemKey.fromItem(item, schema: table.keySchema)
            try ItemSize.check(item)
            try IndexKeyCheck.check(item, table: table, origin: .put)
            return key
        }
        return try ItemKey.fromKey(request.key ?? [:], schema: table.keySchema)
    }
}
