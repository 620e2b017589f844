import StrataAdmission
import StrataExpressions
import StrataModel

extension DynamoAPI {
    func getItem(_ request: RequestBody) async throws -> [UInt8] {
        let tableName = try request.string("TableName")
        let keyItem = try request.item("Key")
        let consistent = try request.bool("ConsistentRead") ?? false
        var violations = ConstraintViolations()
        violations.checkTableName(tableName)
        violations.requireNonNull(keyItem, at: "key")
        let attributesToGet = try request.array("AttributesToGet")
        if let attributesToGet, attributesToGet.isEmpty {
            violations.add("'[]'", at: "attributesToGet", "Member must have length greater than or equal to 1")
        }
        let report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        guard let tableName, let keyItem else { throw DynamoError.validation("Invalid request") }

        let projection = try ProjectionInput.decode(request, cache: expressionCache)
        let table = try existingTable(tableName)
        let key = try ItemKey.fromKey(keyItem, schema: table.keySchema)
        let reserved = CapacityUnits.read(bytes: 0, consistent: consistent)
        try admission.admit(.read, table: table, partitionKey: key.partition, reserving: reserved)
        // Every read sees the latest commit, so both kinds of read are strongly
        // consistent; ConsistentRead only sets the price.
        let item = try await storage.getItem(table: tableName, key: key)
        let units = CapacityUnits.read(bytes: item?.itemSize ?? 0, consistent: consistent)
        admission.charge(.read, units: units, reserved: reserved, table: table, partitionKey: key.partition)
        return ItemResponse.member(
            item.map { ("Item", projection?.apply(to: $0) ?? $0) },
            consumed: ConsumedCapacity(tableName: tableName, units: units), report: report)
    }
}
