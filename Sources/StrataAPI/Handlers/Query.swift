import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func query(_ input: QueryInput, _ context: RequestContext) async throws -> ItemListOutput {
        let read = input.read
        let table = try existingTable(read.tableName)
        let plan = try input.plan(in: table, cache: expressionCache)
        // One partition-key value of the table; a global index has its own.
        let partitionKey = plan.index?.index.kind == .global ? nil : plan.keyCondition.partition[0]
        // A global index with throughput of its own has buckets of its own.
        let admitted = plan.index.flatMap { table.admissionTable(of: $0.index) } ?? table
        let ticket = try await context.admit(.read, table: admitted, partitionKey: partitionKey, reserving: CapacityUnits.read(bytes: 0, consistent: read.consistent))
        let limit = PageLimit(items: read.limit)
        if let index = plan.index {
            let page = try await storage.queryIndex(
                table: read.tableName, index: index.index.name, condition: plan.keyCondition, forward: input.forward,
                exclusiveStart: plan.indexStart, limit: limit)
            return try await respond(
                to: read, index: index, page: page, table: table, filter: plan.filter, selection: plan.selection, ticket: ticket)
        }
        let page = try await storage.query(
            table: read.tableName, partitionKey: plan.keyCondition.partition[0], condition: plan.keyCondition.sortCondition,
            forward: input.forward, exclusiveStart: plan.exclusiveStart, limit: limit)
        // The items read, before filtering, summed and rounded once.
        let units = CapacityUnits.read(bytes: page.bytesRead, consistent: read.consistent)
        ticket.charge(units)
        return try read.respond(
            page: page, filter: plan.filter, selection: plan.selection, keyNames: table.keySchema.attributes.map(\.name),
            consumed: ConsumedCapacity(tableName: read.tableName, units: units))
    }
}
