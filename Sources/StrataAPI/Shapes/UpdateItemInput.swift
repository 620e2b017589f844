import StrataExpressions
import StrataModel

/// UpdateItem's request: the update (UpdateExpression or the legacy
/// AttributeUpdates), its condition and what to return.
struct UpdateItemInput: OperationInput {
    let tableName: String
    let key: Item
    /// ReturnValues; NONE when absent.
    let returnValues: String
    let update: UpdateExpression
    let condition: WriteCondition
    let report: CapacityReport
    let reportsCollection: Bool

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let write = try ItemWriteRequest.decode(request, itemMember: "Key")
        tableName = write.tableName
        returnValues = write.returnValues ?? "NONE"
        report = write.report
        reportsCollection = write.reportsCollection

        let parameters = try ExpressionParameters.decode(request)
        let updateText = try request.string("UpdateExpression")
        let attributeUpdates = request.value("AttributeUpdates")
        let hasCondition = request.value("ConditionExpression") != nil
        try ParameterMix.check(
            legacy: [("AttributeUpdates", attributeUpdates != nil), ("Expected", request.value("Expected") != nil)],
            expressions: [("UpdateExpression", updateText != nil), ("ConditionExpression", hasCondition)])
        let usesExpressions = updateText != nil || hasCondition
        try parameters.requireExpressions(
            anyExpression: usesExpressions, valueExpression: usesExpressions, valueUsers: "UpdateExpression and ConditionExpression are null")
        key = try write.item()
        try parameters.checkMembers()
        let context = parameters.context()
        if let updateText {
            update = try UpdateExpression.parse(updateText, context: context, cache: cache)
        } else if let attributeUpdates {
            if case .object(let updates) = attributeUpdates {
                for member in updates.members { try AttributeNames.check(member.key) }
            }
            update = try UpdateExpression.attributeUpdates(attributeUpdates)
        } else {
            update = try UpdateExpression.attributeUpdates(.object(JSONObject()))
        }
        condition = try WriteCondition.decode(request, context: context, cache: cache)
        try context.checkAllUsed()
    }

    /// The key in `table`; the update may not touch a key attribute.
    func primaryKey(in table: TableDefinition) throws(DynamoError) -> PrimaryKey {
        let key = try ItemKey.fromKey(key, schema: table.keySchema)
        for attribute in table.keySchema.attributes where update.updatedAttributeNames.contains(attribute.name) {
            throw .validation(
                "One or more parameter values were invalid: Cannot update attribute \(attribute.name). This attribute is part of the key")
        }
        // An index key may be set, but only as a whole.
        let indexKeys = Set(table.indexes.filter { $0.status != .deleting }.flatMap { $0.keySchema.attributes.map(\.name) })
        if let path = update.updatedPaths.first(where: { !$0.isTopLevel && indexKeys.contains($0.attributeName) }) {
            throw .validation(
                "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: \(path.attributeName)")
        }
        return key
    }

    /// What ReturnValues asks for, given the item before and after.
    func returned(old: Item?, new: Item) -> Item? {
        switch returnValues {
        case "ALL_OLD": old
        case "ALL_NEW": new
        case "UPDATED_OLD": old.map(update.updatedAttributes(of:))
        case "UPDATED_NEW": update.updatedAttributes(of: new)
        default: nil
        }
    }
}
