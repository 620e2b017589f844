import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func putItem(_ input: PutItemInput, _ context: RequestContext) async throws -> ItemOutput {
        let table = try existingTable(input.tableName)
        let key = try input.primaryKey(in: table)
        try IndexKeyCheck.check(input.item, table: table, origin: .put)
        let indexed = !table.indexes.isEmpty, item = input.item
        let condition = input.condition, returnOld = input.returnsOldItem
        let newSize = input.itemSize
        // Encoded here, so that the partition's single writer only stores it.
        let stored = StoredItem(input.item, size: newSize)
        let outcome = try await chargedWrite(table: table, partitionKey: key.partition, context: context) {
            guard condition.condition != nil || returnOld || indexed else {
                let charged = try await replaceCharged(table: input.tableName, key: key, with: stored)
                return Charged<Item?>(result: nil, units: charged.units)
            }
            return try await storage.writeItem(table: input.tableName, key: key) { current in
                let units = CapacityUnits.write(bytes: max(current.size ?? 0, newSize))
                let old = try current.item()
                do {
                    try condition.check(old)
                } catch {
                    throw ChargedFailure(error: error, units: units)
                }
                let indexes = IndexWriteUnits(table: table, old: old, new: item)
                return ItemWrite(.put(stored), result: Charged(result: returnOld ? old : nil, units: units, indexes: indexes))
            }
        }
        var output = ItemOutput.attributes(outcome.result, consumed: outcome.consumed(tableName: input.tableName), report: input.report)
        output.collection = try await collectionMetrics(asked: input.reportsCollection, table: table, partitionKey: key.partition)
        return output
    }
}
