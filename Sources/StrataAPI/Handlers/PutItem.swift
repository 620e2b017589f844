import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    func putItem(_ request: RequestBody) async throws -> [UInt8] {
        let write = try ItemWriteRequest.decode(request, itemMember: "Item")
        let tableName = write.tableName, item = write.item, report = write.report
        let returnOld = try ReturnValuesInput.returnsOldItem(write.returnValues, allowed: ["NONE", "ALL_OLD"])
        let condition = try WriteCondition.decodeAlone(request, cache: expressionCache)

        let table = try existingTable(tableName)
        let key = try ItemKey.fromItem(item, schema: table.keySchema)
        try ItemSize.check(item)
        let newSize = item.itemSize

        let outcome = try await chargedWrite(table: table, partitionKey: key.partition) {
            try await storage.writeItem(table: tableName, key: key) { current in
                let units = CapacityUnits.write(bytes: max(current.size ?? 0, newSize))
                let old = condition.condition != nil || returnOld ? try current.item() : nil
                do {
                    try condition.check(old)
                } catch {
                    throw ChargedFailure(error: error, units: units)
                }
                return ItemWrite(.put(item), result: Charged(result: returnOld ? old : nil, units: units))
            }
        }
        return ItemResponse.attributes(outcome.result, consumed: ConsumedCapacity(tableName: tableName, units: outcome.units), report: report)
    }
}
