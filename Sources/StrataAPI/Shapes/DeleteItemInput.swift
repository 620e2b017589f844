import StrataExpressions
import StrataModel

/// DeleteItem's request.
struct DeleteItemInput: OperationInput {
    let tableName: String
    let key: Item
    let returnsOldItem: Bool
    let condition: WriteCondition
    let report: CapacityReport
    let reportsCollection: Bool

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let write = try ItemWriteRequest.decode(request, itemMember: "Key")
        tableName = write.tableName
        report = write.report
        reportsCollection = write.reportsCollection
        let parameters = try WriteCondition.parameters(request)
        key = try write.item()
        returnsOldItem = try ReturnValuesInput.returnsOldItem(write.returnValues, allowed: ["NONE", "ALL_OLD"])
        condition = try WriteCondition.decodeAlone(request, parameters: parameters, cache: cache)
    }

    func primaryKey(in table: TableDefinition) throws(DynamoError) -> PrimaryKey {
        try ItemKey.fromKey(key, schema: table.keySchema)
    }
}
