import StrataExpressions
import StrataModel

/// TransactGetItems' request.
struct TransactGetItemsInput: OperationInput {
    struct Get: Sendable {
        let tableName: String
        let key: Item
        let projection: ProjectionExpression?
    }

    let gets: [Get]
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let elements = try TransactItemsInput.decode(request, elementType: "TransactGetItem", into: &violations)
        // A missing Get is a violation, so past the constraint check every element has one.
        var bodies: [RequestBody] = []
        for (index, element) in elements.enumerated() {
            let path = "transactItems.\(index + 1).member.get"
            guard let get = try element.object("Get") else {
                violations.requireNonNull(nil as Int?, at: path)
                continue
            }
            bodies.append(get)
            violations.checkTableName(try get.string("TableName"), at: path + ".tableName")
            violations.requireNonNull(get.value("Key"), at: path + ".key")
            if let key = get.value("Key") {
                guard case .object = key else { throw RequestBody.mismatch(key, expected: .map) }
            }
            _ = try get.stringMap("ExpressionAttributeNames")
        }
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()

        var projections: [ProjectionExpression?] = []
        for get in bodies {
            let expression = try get.string("ProjectionExpression")
            let parameters = try ExpressionParameters.decode(get)
            try parameters.requireExpressions(anyExpression: expression != nil, valueExpression: false, valueUsers: "")
            try parameters.checkMembers()
            let context = parameters.context()
            projections.append(try expression.map { text throws(DynamoError) in
                try ProjectionExpression.parse(text, context: context, cache: cache)
            })
            try context.checkAllUsed()
        }
        var gets: [Get] = []
        for (get, projection) in zip(bodies, projections) {
            guard let name = try get.string("TableName"), let key = try get.item("Key") else { throw .validation("Invalid request") }
            gets.append(Get(tableName: name, key: key, projection: projection))
        }
        self.gets = gets
    }

    /// The table of each Get, found with `lookup`, and each Get's key in
    /// it, in DynamoDB's order: a Get's table, then its empty key values,
    /// Get by Get; then duplicates; then each key against its schema.
    func targets(
        _ lookup: (String) throws(DynamoError) -> TableDefinition
    ) throws(DynamoError) -> (tables: [TableDefinition], keys: [PrimaryKey]) {
        var tables: [TableDefinition] = []
        for get in gets {
            let table = try lookup(get.tableName)
            try ItemKey.checkNoEmptyKeyValues(get.key, schema: table.keySchema)
            tables.append(table)
        }
        let keys = try TransactionKeys.resolve(tables: tables) { index, table throws(DynamoError) in
            try ItemKey.fromKey(gets[index].key, schema: table.keySchema)
        }
        return (tables, keys)
    }
}
