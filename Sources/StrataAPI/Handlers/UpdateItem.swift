import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    func updateItem(_ input: UpdateItemInput, _ context: RequestContext) async throws -> ItemOutput {
        let table = try existingTable(input.tableName)
        let key = try input.primaryKey(in: table)
        let keyAttributes = key.item(in: table.keySchema)
        let outcome = try await chargedWrite(table: table, partitionKey: key.partition, context: context) {
            try await storage.writeItem(table: input.tableName, key: key) { current -> ItemWrite<Charged<Item?>> in
                let old = try current.item()
                do {
                    try input.condition.check(old)
                } catch {
                    throw ChargedFailure(error: error, units: CapacityUnits.write(bytes: current.size ?? 0))
                }
                if old == nil && !input.update.createsMissingItem {
                    return ItemWrite(.keep, result: Charged(result: nil, units: CapacityUnits.write(bytes: 0)))
                }
                var new = try input.update.apply(to: old)
                new.merge(keyAttributes) { _, key in key }
                let newSize = new.itemSize
                try ItemSize.checkUpdated(newSize)
                try IndexKeyCheck.check(new, table: table, origin: .update)
                let units = CapacityUnits.write(bytes: max(current.size ?? 0, newSize))
                return ItemWrite(
                    .put(StoredItem(new, size: newSize)),
                    result: Charged(result: input.returned(old: old, new: new), units: units, indexes: IndexWriteUnits(table: table, old: old, new: new)))
            }
        }
        var output = ItemOutput.attributes(
            outcome.result.flatMap { $0.isEmpty ? nil : $0 },
            consumed: outcome.consumed(tableName: input.tableName), report: input.report)
        output.collection = try await collectionMetrics(asked: input.reportsCollection, table: table, partitionKey: key.partition)
        return output
    }
}
