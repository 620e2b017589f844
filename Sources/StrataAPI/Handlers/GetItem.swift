import StrataAdmission
import StrataModel

extension DynamoAPI {
    func getItem(_ input: GetItemInput, _ context: RequestContext) async throws -> ItemOutput {
        let table = try existingTable(input.tableName)
        let key = try input.primaryKey(in: table)
        let ticket = try context.admit(.read, table: table, partitionKey: key.partition, reserving: CapacityUnits.read(bytes: 0, consistent: input.consistent))
        // Every read sees the latest commit, so both kinds of read are strongly
        // consistent; ConsistentRead only sets the price.
        let item = try await storage.getItem(table: input.tableName, key: key)
        let units = CapacityUnits.read(bytes: item?.itemSize ?? 0, consistent: input.consistent)
        ticket.charge(units)
        return ItemOutput(
            member: item.map { ("Item", input.projection?.apply(to: $0) ?? $0) },
            consumed: ConsumedCapacity(tableName: input.tableName, units: units), report: input.report)
    }
}
