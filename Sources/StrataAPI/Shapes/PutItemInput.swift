import StrataExpressions
import StrataModel

/// PutItem's request.
struct PutItemInput: OperationInput {
    let tableName: String
    let item: Item
    /// The item's DynamoDB size, computed once.
    let itemSize: Int
    let returnsOldItem: Bool
    let condition: WriteCondition
    let report: CapacityReport
    let reportsCollection: Bool

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let write = try ItemWriteRequest.decode(request, itemMember: "Item")
        tableName = write.tableName
        report = write.report
        reportsCollection = write.reportsCollection
        let parameters = try WriteCondition.parameters(request)
        item = try write.item()
        itemSize = item.itemSize
        returnsOldItem = try ReturnValuesInput.returnsOldItem(write.returnValues, allowed: ["NONE", "ALL_OLD"])
        condition = try WriteCondition.decodeAlone(request, parameters: parameters, cache: cache)
    }

    /// The item's key in `table`; the item must also fit DynamoDB's size limit.
    func primaryKey(in table: TableDefinition) throws(DynamoError) -> PrimaryKey {
        let key = try ItemKey.fromItem(item, schema: table.keySchema)
        try ItemSize.check(size: itemSize)
        return key
    }
}
