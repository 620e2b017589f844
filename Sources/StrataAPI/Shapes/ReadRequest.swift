import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

/// The parameters Query and Scan share, decoded and checked in DynamoDB's order.
struct ReadRequest {
    enum Operation {
        case query
        case scan

        var legacyFilter: String { self == .query ? "QueryFilter" : "ScanFilter" }
        var legacyParameter: LegacyConditionParameter { self == .query ? .queryFilter : .scanFilter }
    }

    let request: RequestBody
    let operation: Operation
    let tableName: String
    let indexName: String?
    let select: String?
    let limit: Int?
    let exclusiveStartKey: Item?
    let parameters: ExpressionParameters
    let consistent: Bool
    let report: CapacityReport

    static func decode(_ request: RequestBody, operation: Operation) throws(DynamoError) -> ReadRequest {
        let tableName = try request.string("TableName")
        let indexName = try request.string("IndexName")
        let select = try request.string("Select")
        let limit = try request.integer("Limit")
        let consistent = try request.bool("ConsistentRead") ?? false
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        if let indexName { violations.checkName(indexName, at: "indexName", maximumLength: 255) }
        violations.checkEnum(select, at: "select", allowed: ReadSelection.selectValues)
        violations.checkEnum(try request.string("ConditionalOperator"), at: "conditionalOperator", allowed: ["OR", "AND"])
        if let limit, limit < 1 {
            // AWS words Query's and Scan's differently (nubo-db/dynamodb-conformance, checked against AWS in 2026).
            if operation == .query {
                violations.addWithoutValue(at: "Limit", "Member must have value greater than or equal to 1")
            } else {
                violations.add("'\(limit)'", at: "limit", "Member must have value greater than or equal to 1")
            }
        }
        if let attributesToGet = try request.array("AttributesToGet"), attributesToGet.isEmpty {
            violations.add("'[]'", at: "attributesToGet", "Member must have length greater than or equal to 1")
        }
        let report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        guard let tableName else { throw .validation("Invalid request") }

        let keyConditionText = operation == .query ? try request.string("KeyConditionExpression") : nil
        let filterText = try request.string("FilterExpression")
        let projectionText = try request.string("ProjectionExpression")
        try ParameterMix.check(
            legacy: [
                ("AttributesToGet", request.value("AttributesToGet") != nil),
                // KeyConditions may go with the other expressions, but not with KeyConditionExpression.
                ("KeyConditions", keyConditionText != nil && request.value("KeyConditions") != nil),
                (operation.legacyFilter, request.value(operation.legacyFilter) != nil),
            ],
            expressions: [
                ("ProjectionExpression", projectionText != nil),
                ("FilterExpression", filterText != nil),
                ("KeyConditionExpression", keyConditionText != nil),
            ])
        let parameters = try ExpressionParameters.decode(request)
        let valueUsers = operation == .query ? "KeyConditionExpression and FilterExpression are null" : "FilterExpression is null"
        try parameters.requireExpressions(
            anyExpression: keyConditionText != nil || filterText != nil || projectionText != nil,
            valueExpression: keyConditionText != nil || filterText != nil, valueUsers: valueUsers)
        try parameters.checkMembers()
        return ReadRequest(
            request: request, operation: operation, tableName: tableName, indexName: indexName, select: select,
            limit: limit, exclusiveStartKey: try request.item("ExclusiveStartKey"), parameters: parameters,
            consistent: consistent, report: report)
    }

    /// The filter and what to return of each item.
    func resolve(context: ExpressionContext, cache: ExpressionCache) throws(DynamoError) -> (ConditionExpression?, ReadSelection) {
        var filter: ConditionExpression?
        if let text = try request.string("FilterExpression") {
            filter = try ConditionExpression.parse(text, context: context, kind: .filter, cache: cache)
        } else if let legacy = request.value(operation.legacyFilter) {
            filter = try ConditionExpression.legacy(
                legacy, conditionalOperator: try request.string("ConditionalOperator"), parameter: operation.legacyParameter)
        }
        var projection: ProjectionExpression?
        if let text = try request.string("ProjectionExpression") {
            projection = try ProjectionExpression.parse(text, context: context, cache: cache)
        } else if let legacy = request.value("AttributesToGet") {
            projection = try ProjectionExpression(attributesToGet: legacy)
        }
        let selection: ReadSelection
        do {
            selection = try ReadSelection.decode(
                select: select, projection: projection, projectionParameter: request.value("AttributesToGet") != nil ? "AttributesToGet" : "ProjectionExpression",
                usesIndex: indexName != nil)
        } catch .validation(let message) where operation == .query {
            // Query reports these as constraint violations, Scan plainly.
            throw .validation("1 validation error detected: " + message)
        }
        return (filter, selection)
    }

    /// A Query's filter may not read the key attributes of what it queries.
    static func checkFilter(_ filter: ConditionExpression?, readsNone keys: [String]) throws(DynamoError) {
        guard let filter else { return }
        for name in keys where filter.attributeNames.contains(name) {
            throw .validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: \(name)")
        }
    }

    /// Applies the filter after the page was read (so after Limit, as
    /// DynamoDB does), then the projection. Whole items with no filter are
    /// written as JSON straight from their stored bytes.
    /// `keyNames`: the attributes of a LastEvaluatedKey.
    func respond(
        page: ItemPage, filter: ConditionExpression?, selection: ReadSelection, keyNames: [String], consumed: ConsumedCapacity
    ) throws(DynamoError) -> ItemListOutput {
        var response = ItemListOutput(items: JSONWriter(capacity: page.bytesRead + page.bytesRead / 4 + 16))
        if report != .none { response.consumed = (consumed, report) }
        if case .count = selection { response.countOnly = true }
        response.scannedCount = page.items.count
        for stored in page.items {
            if filter == nil {
                switch selection {
                case .count:
                    response.count += 1
                    continue
                case .allAttributes:
                    response.count += 1
                    try response.appendItem { writer throws(DynamoError) in try stored.writeJSON(to: &writer) }
                    continue
                case .projection:
                    break
                }
            }
            let item = try stored.item()
            if let filter, !filter.evaluate(item) { continue }
            response.count += 1
            if !response.countOnly { response.appendItem { writer in writer.item(selection.apply(to: item)) } }
        }
        if page.isTruncated, let last = try page.items.last?.item() {
            response.lastEvaluatedKey = keyNames.reduce(into: Item()) { key, name in key[name] = last[name] }
        }
        return response
    }
}
