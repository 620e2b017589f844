import StrataExpressions
import StrataModel

/// Query's request. The key condition, filter and start key are checked
/// against the table's key schema by `plan(in:cache:)`.
struct QueryInput: OperationInput {
    /// What the request asks of one table, checked against its schema.
    struct Plan {
        let keyCondition: IndexKeyCondition
        let filter: ConditionExpression?
        let selection: ReadSelection
        let exclusiveStart: PrimaryKey?
        /// A read of an index, and its start key (a LastEvaluatedKey).
        var index: IndexRead?
        var indexStart: Item?
    }

    let read: ReadRequest
    let forward: Bool

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        read = try ReadRequest.decode(request, operation: .query)
        forward = try request.bool("ScanIndexForward") ?? true
    }

    func plan(in table: TableDefinition, cache: ExpressionCache) throws(DynamoError) -> Plan {
        let request = read.request
        let context = read.parameters.context()
        // What needs no table comes first, as in DynamoDB: every expression
        // parses and uses each name and value it is given.
        let keyExpression: ConditionExpression?
        if let text = try request.string("KeyConditionExpression") {
            keyExpression = try ConditionExpression.parse(text, context: context, kind: .keyCondition, cache: cache)
        } else if request.value("KeyConditions") != nil {
            keyExpression = nil
        } else {
            throw .validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        let (filter, selection) = try read.resolve(context: context, cache: cache)
        try context.checkAllUsed()

        var index = try IndexRead.resolve(read, in: table)
        let schema = index?.index.keySchema ?? IndexKeySchema(table.keySchema)
        let keyCondition: IndexKeyCondition
        if let keyExpression {
            keyCondition = try keyExpression.keyCondition(index: schema, indexName: read.indexName)
        } else {
            keyCondition = try KeyConditionExpression.legacy(request.value("KeyConditions") ?? .null, index: schema, indexName: read.indexName)
        }
        if index != nil {
            var start: Item?
            if let startItem = read.exclusiveStartKey {
                start = try index!.startKey(startItem, table: table)
                try Self.checkBounds(of: startItem, schema: schema, condition: keyCondition)
            }
            // The start key is checked before the filter, as DynamoDB Local does.
            try ReadRequest.checkFilter(filter, readsNone: schema.attributes.map(\.name))
            try index!.checkSelection(selection, select: read.select, filter: filter, table: table)
            return Plan(keyCondition: keyCondition, filter: filter, selection: selection, exclusiveStart: nil, index: index, indexStart: start)
        }

        var start: PrimaryKey?
        if let startItem = read.exclusiveStartKey {
            if table.keySchema.sortKey == nil {
                // A hash-only Query returns at most one item: there is nothing to resume.
                let value = startItem[table.keySchema.partitionKey.name].map(Self.describe) ?? "null"
                throw .validation(
                    "The provided exclusive start key is invalid: ExclusiveStartKey: {\(table.keySchema.partitionKey.name)=\(value)}")
            }
            start = try ItemKey.startKey(startItem, schema: table.keySchema)
            try Self.checkBounds(of: startItem, schema: schema, condition: keyCondition)
        }
        try ReadRequest.checkFilter(filter, readsNone: schema.attributes.map(\.name))
        return Plan(keyCondition: keyCondition, filter: filter, selection: selection, exclusiveStart: start)
    }

    /// A start key must lie within the key condition, with
    /// DynamoDB's messages for each way it does not.
    private static func checkBounds(of start: Item, schema: IndexKeySchema, condition: IndexKeyCondition) throws(DynamoError) {
        let samePartition = schema.partitionKeys.map { start[$0.name] } == condition.partition.map(Optional.some)
        let conditioned = condition.sortEqualities.count + (condition.sortCondition == nil ? 0 : 1)
        if conditioned == 0 {
            if !samePartition {
                throw .validation("The provided starting key is outside query boundaries based on provided conditions")
            }
            return
        }
        var meets = zip(schema.sortKeys, condition.sortEqualities).allSatisfy { start[$0.name] == $1 }
        if meets, let sortCondition = condition.sortCondition, let value = start[schema.sortKeys[condition.sortEqualities.count].name] {
            meets = sortCondition.isMet(by: value)
        }
        if !meets { throw .validation("The provided starting key does not match the range key predicate") }
        if !samePartition { throw .validation("The query can return at most one row and cannot be restarted") }
    }

    /// A key value as DynamoDB prints it in messages: `AttributeValue: {S:abc}`.
    static func describe(_ value: AttributeValue) -> String {
        switch value {
        case .s(let s): "AttributeValue: {S:\(s)}"
        case .n(let n): "AttributeValue: {N:\(n.text)}"
        case .b(let b): "AttributeValue: {B:\(Base64.encode(b))}"
        default: "AttributeValue: {\(value.typeName):...}"
        }
    }
}
