import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func query(_ input: QueryInput, _ context: RequestContext) async throws -> ItemListOutput {
        let read = input.read
        let table = try existingTable(read.tableName)
        let plan = try input.plan(in: table, cache: expressionCache)
        let partitionKey = plan.keyCondition.partitionKey
        let ticket = try context.admit(.read, table: table, partitionKey: partitionKey, reserving: CapacityUnits.read(bytes: 0, consistent: read.consistent))
        let page = try await storage.query(
            table: read.tableName, partitionKey: partitionKey, condition: plan.keyCondition.sortKey,
            forward: input.forward, exclusiveStart: plan.exclusiveStart, limit: PageLimit(items: read.limit))
        // The items read, before filtering, summed and rounded once.
        let units = CapacityUnits.read(bytes: page.bytesRead, consistent: read.consistent)
        ticket.charge(units)
        return try read.respond(page: page, filter: plan.filter, selection: plan.selection, schema: table.keySchema, units: units)
    }
}
