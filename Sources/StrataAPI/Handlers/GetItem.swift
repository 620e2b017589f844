import StrataAdmission
import StrataModel

extension DynamoAPI {
    func getItem(_ input: GetItemInput, _ context: RequestContext) async throws -> ItemOutput {
        let table = try existingTable(input.tableName)
        let key = try input.primaryKey(in: table)
        let ticket = try await context.admit(.read, table: table, partitionKey: key.partition, reserving: CapacityUnits.read(bytes: 0, consistent: input.consistent))
        // Every read sees the latest commit, so both kinds of read are strongly
        // consistent; ConsistentRead only sets the price.
        let stored = try await storage.getItem(table: input.tableName, key: key)
        let units = CapacityUnits.read(bytes: stored?.size ?? 0, consistent: input.consistent)
        ticket.charge(units)
        let consumed = ConsumedCapacity(tableName: input.tableName, units: units)
        guard let stored else { return ItemOutput(member: nil, consumed: consumed, report: input.report) }
        if let projection = input.projection {
            return ItemOutput(member: ("Item", .item(projection.apply(to: try stored.item()))), consumed: consumed, report: input.report)
        }
        // The whole item: its JSON straight from the stored bytes.
        var json = JSONWriter(capacity: stored.size + stored.size / 4 + 64)
        try stored.writeJSON(to: &json)
        return ItemOutput(member: ("Item", .json(json.bytes)), consumed: consumed, report: input.report)
    }
}
