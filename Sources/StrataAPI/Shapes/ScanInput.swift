import StrataExpressions
import StrataModel

/// Scan's request, with its parallel-scan segment. The filter and start
/// key are checked against the table's key schema by `plan(in:cache:)`.
struct ScanInput: OperationInput {
    struct Plan {
        let filter: ConditionExpression?
        let selection: ReadSelection
        let exclusiveStart: PrimaryKey?
        /// A read of an index, and its start key (a LastEvaluatedKey).
        var index: IndexRead?
        var indexStart: Item?
    }

    let read: ReadRequest
    /// Segment and TotalSegments, when both are given.
    let segment: (index: Int, total: Int)?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        // Serialization errors come before any validation error.
        let segment = try request.integer("Segment")
        let totalSegments = try request.integer("TotalSegments")
        read = try ReadRequest.decode(request, operation: .scan)
        var violations = ConstraintViolations()
        if let segment {
            if segment < 0 { violations.add("'\(segment)'", at: "segment", "Member must have value greater than or equal to 0") }
            if segment > 999_999 { violations.add("'\(segment)'", at: "segment", "Member must have value less than or equal to 999999") }
        }
        if let totalSegments {
            if totalSegments < 1 { violations.add("'\(totalSegments)'", at: "totalSegments", "Member must have value greater than or equal to 1") }
            if totalSegments > 1_000_000 {
                violations.add("'\(totalSegments)'", at: "totalSegments", "Member must have value less than or equal to 1000000")
            }
        }
        try violations.throwIfAny()
        switch (segment, totalSegments) {
        case (.some, nil):
            throw .validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
        case (nil, .some):
            throw .validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
        case (let segment?, let total?) where segment >= total:
            throw .validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: \(segment) is not less than TotalSegments: \(total)")
        case (let segment?, let total?):
            self.segment = (segment, total)
        default:
            self.segment = nil
        }
    }

    func plan(in table: TableDefinition, cache: ExpressionCache) throws(DynamoError) -> Plan {
        var index = try IndexRead.resolve(read, in: table)
        let context = read.parameters.context()
        let (filter, selection) = try read.resolve(context: context, cache: cache)
        try context.checkAllUsed()
        if index != nil {
            try index!.checkSelection(selection, select: read.select, filter: filter, table: table)
            let start = try read.exclusiveStartKey.map { item throws(DynamoError) in try index!.startKey(item, table: table) }
            return Plan(filter: filter, selection: selection, exclusiveStart: nil, index: index, indexStart: start)
        }
        let start = try read.exclusiveStartKey.map { item throws(DynamoError) in try ItemKey.startKey(item, schema: table.keySchema) }
        return Plan(filter: filter, selection: selection, exclusiveStart: start)
    }

    /// DynamoDB's answer to a start key that lies outside the segment.
    var wrongSegment: DynamoError {
        let (index, total) = segment ?? (0, 1)
        return .validation(
            "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: \(total) Segment: \(index)")
    }
}
