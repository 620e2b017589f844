import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func deleteItem(_ input: DeleteItemInput, _ context: RequestContext) async throws -> ItemOutput {
        let table = try existingTable(input.tableName)
        let key = try input.primaryKey(in: table)
        let condition = input.condition, returnOld = input.returnsOldItem, indexed = !table.indexes.isEmpty
        let outcome = try await chargedWrite(table: table, partitionKey: key.partition, context: context) {
            try await storage.writeItem(table: input.tableName, key: key) { current in
                let units = CapacityUnits.write(bytes: current.size ?? 0)
                let old = condition.condition != nil || returnOld || indexed ? try current.item() : nil
                do {
                    try condition.check(old)
                } catch {
                    throw ChargedFailure(error: error, units: units)
                }
                let indexes = IndexWriteUnits(table: table, old: old, new: nil)
                return ItemWrite(.delete, result: Charged(result: returnOld ? old : nil, units: units, indexes: indexes))
            }
        }
        var output = ItemOutput.attributes(outcome.result, consumed: outcome.consumed(tableName: input.tableName), report: input.report)
        output.collection = try await collectionMetrics(asked: input.reportsCollection, table: table, partitionKey: key.partition)
        return output
    }
}
