import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func scan(_ input: ScanInput, _ context: RequestContext) async throws -> ItemListOutput {
        let read = input.read
        let table = try existingTable(read.tableName)
        let plan = try input.plan(in: table, cache: expressionCache)
        let segment = input.segment ?? (0, 1)
        // A global index with throughput of its own has buckets of its own.
        let admitted = plan.index.flatMap { table.admissionTable(of: $0.index) } ?? table
        let ticket = try await context.admit(.read, table: admitted, partitionKey: nil, reserving: CapacityUnits.read(bytes: 0, consistent: read.consistent))
        if let index = plan.index {
            let page: ItemPage
            do {
                page = try await storage.scanIndex(
                    table: read.tableName, index: index.index.name, segment: segment.index, totalSegments: segment.total,
                    exclusiveStart: plan.indexStart, limit: PageLimit(items: read.limit))
            } catch is ScanStartOutsideSegment {
                ticket.release()
                throw input.wrongSegment
            }
            return try await respond(
                to: read, index: index, page: page, table: table, filter: plan.filter, selection: plan.selection, ticket: ticket)
        }
        let page: ItemPage
        do {
            page = try await storage.scan(
                table: read.tableName, segment: segment.index, totalSegments: segment.total,
                exclusiveStart: plan.exclusiveStart, limit: PageLimit(items: read.limit))
        } catch is ScanStartOutsideSegment {
            // The engine checks before it reads.
            ticket.release()
            throw input.wrongSegment
        }
        var units = CapacityUnits.read(bytes: page.bytesRead, consistent: read.consistent)
        // DynamoDB charges a Scan at least one unit for each of its own
        // partitions the page covered; a new on-demand table has four.
        if plan.exclusiveStart == nil && !page.isTruncated && segment.total == 1 {
            units = max(units, CapacityUnits.read(bytes: 0, consistent: read.consistent) * Self.scanBillingPartitions(table))
        }
        ticket.charge(units)
        return try read.respond(
            page: page, filter: plan.filter, selection: plan.selection, keyNames: table.keySchema.attributes.map(\.name),
            consumed: ConsumedCapacity(tableName: read.tableName, units: units))
    }

    /// How many partitions DynamoDB itself would give the table, which sets a
    /// whole-table Scan's minimum price.
    static func scanBillingPartitions(_ table: TableDefinition) -> Double {
        guard table.billingMode == .provisioned, let throughput = table.throughput else { return 4 }
        return max(1, (Double(throughput.readCapacityUnits) / 3000 + Double(throughput.writeCapacityUnits) / 1000).rounded(.up))
    }
}
