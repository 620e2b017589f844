import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    func scan(_ request: RequestBody) async throws -> [UInt8] {
        let read = try ReadRequest.decode(request, operation: .scan)
        let segment = try request.int("Segment")
        let totalSegments = try request.int("TotalSegments")
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
            throw DynamoError.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
        case (nil, .some):
            throw DynamoError.validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
        case (let segment?, let total?) where segment >= total:
            throw DynamoError.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: \(segment) is not less than TotalSegments: \(total)")
        default:
            break
        }

        let table = try existingTable(read.tableName)
        if let indexName = read.indexName {
            throw DynamoError.validation("The table does not have the specified index: \(indexName)")
        }
        let context = read.parameters.context()
        let (filter, selection) = try read.resolve(context: context, cache: expressionCache, schema: table.keySchema, forbidKeysInFilter: false)
        try context.checkAllUsed()
        let start = try read.exclusiveStartKey.map { item throws(DynamoError) in try ItemKey.startKey(item, schema: table.keySchema) }
        let reserved = CapacityUnits.read(bytes: 0, consistent: read.consistent)
        try admission.admit(.read, table: table, partitionKey: nil, reserving: reserved)
        let page: ItemPage
        do {
            page = try await storage.scan(
                table: read.tableName, segment: segment ?? 0, totalSegments: totalSegments ?? 1,
                exclusiveStart: start, limit: PageLimit(items: read.limit))
        } catch let outside as ScanStartOutsideSegment {
            // The engine checks before reading: give back the reservation.
            admission.charge(.read, units: 0, reserved: reserved, table: table, partitionKey: nil)
            throw DynamoError.validation(
                "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: \(outside.totalSegments) Segment: \(outside.segment)")
        }
        var units = CapacityUnits.read(bytes: page.bytesRead, consistent: read.consistent)
        // DynamoDB charges a Scan at least one unit for each of its own
        // partitions the page covered; a new on-demand table has four.
        if start == nil && !page.isTruncated && (totalSegments ?? 1) == 1 {
            units = max(units, CapacityUnits.read(bytes: 0, consistent: read.consistent) * Self.scanBillingPartitions(table))
        }
        admission.charge(.read, units: units, reserved: reserved, table: table, partitionKey: nil)
        return read.respond(page: page, filter: filter, selection: selection, schema: table.keySchema, units: units)
    }

    /// How many partitions DynamoDB itself would give the table, which sets a
    /// whole-table Scan's minimum price.
    static func scanBillingPartitions(_ table: TableDefinition) -> Double {
        guard table.billingMode == .provisioned, let throughput = table.throughput else { return 4 }
        return max(1, (Double(throughput.readCapacityUnits) / 3000 + Double(throughput.writeCapacityUnits) / 1000).rounded(.up))
    }
}
