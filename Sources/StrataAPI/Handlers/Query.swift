import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    func query(_ request: RequestBody) async throws -> [UInt8] {
        let read = try ReadRequest.decode(request, operation: .query)
        let table = try existingTable(read.tableName)
        if let indexName = read.indexName {
            throw DynamoError.validation("The table does not have the specified index: \(indexName)")
        }
        let context = read.parameters.context()
        let keyCondition: KeyCondition
        if let text = try request.string("KeyConditionExpression") {
            let expression = try ConditionExpression.parse(text, context: context, kind: .keyCondition, cache: expressionCache)
            keyCondition = try expression.keyCondition(schema: table.keySchema)
        } else if let legacy = request.value("KeyConditions") {
            keyCondition = try KeyConditionExpression.legacy(legacy, schema: table.keySchema)
        } else {
            throw DynamoError.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        let (filter, selection) = try read.resolve(context: context, cache: expressionCache, schema: table.keySchema, forbidKeysInFilter: true)
        try context.checkAllUsed()

        var start: PrimaryKey?
        if let startItem = read.exclusiveStartKey {
            if table.keySchema.sortKey == nil {
                // A hash-only Query returns at most one item: there is nothing to resume.
                let value = startItem[table.keySchema.partitionKey.name].map(Self.describe) ?? "null"
                throw DynamoError.validation(
                    "The provided exclusive start key is invalid: ExclusiveStartKey: {\(table.keySchema.partitionKey.name)=\(value)}")
            }
            start = try ItemKey.startKey(startItem, schema: table.keySchema)
            if start?.partition != keyCondition.partitionKey {
                throw DynamoError.validation("The provided starting key is outside query boundaries based on provided conditions")
            }
        }
        let reserved = CapacityUnits.read(bytes: 0, consistent: read.consistent)
        try admission.admit(.read, table: table, partitionKey: keyCondition.partitionKey, reserving: reserved)
        let page = try await storage.query(
            table: read.tableName, partitionKey: keyCondition.partitionKey, condition: keyCondition.sortKey,
            forward: try request.bool("ScanIndexForward") ?? true, exclusiveStart: start, limit: PageLimit(items: read.limit))
        // The items read, before filtering, summed and rounded once.
        let units = CapacityUnits.read(bytes: page.bytesRead, consistent: read.consistent)
        admission.charge(.read, units: units, reserved: reserved, table: table, partitionKey: keyCondition.partitionKey)
        return read.respond(page: page, filter: filter, selection: selection, schema: table.keySchema, units: units)
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
