import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    func updateItem(_ request: RequestBody) async throws -> [UInt8] {
        let write = try ItemWriteRequest.decode(request, itemMember: "Key")
        let tableName = write.tableName, keyItem = write.item, returnValues = write.returnValues, report = write.report

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
        let context = parameters.context()
        let update: UpdateExpression
        if let updateText {
            update = try UpdateExpression.parse(updateText, context: context, cache: expressionCache)
        } else if let attributeUpdates {
            if case .object(let updates) = attributeUpdates {
                for member in updates.members { try AttributeNames.check(member.key) }
            }
            update = try UpdateExpression.attributeUpdates(attributeUpdates)
        } else {
            update = try UpdateExpression.attributeUpdates(.object(JSONObject()))
        }
        let condition = try WriteCondition.decode(request, context: context, cache: expressionCache)
        try context.checkAllUsed()

        let table = try existingTable(tableName)
        let key = try ItemKey.fromKey(keyItem, schema: table.keySchema)
        for attribute in table.keySchema.attributes where update.updatedAttributeNames.contains(attribute.name) {
            throw DynamoError.validation(
                "One or more parameter values were invalid: Cannot update attribute \(attribute.name). This attribute is part of the key")
        }
        let keyAttributes = key.item(in: table.keySchema)
        let returned = returnValues ?? "NONE"

        let outcome = try await chargedWrite(table: table, partitionKey: key.partition) {
            try await storage.writeItem(table: tableName, key: key) { current -> ItemWrite<Charged<Item?>> in
                let old = try current.item()
                do {
                    try condition.check(old)
                } catch {
                    throw ChargedFailure(error: error, units: CapacityUnits.write(bytes: current.size ?? 0))
                }
                if old == nil && !update.createsMissingItem {
                    return ItemWrite(.keep, result: Charged(result: nil, units: CapacityUnits.write(bytes: 0)))
                }
                var new = try update.apply(to: old)
                new.merge(keyAttributes) { _, key in key }
                let newSize = new.itemSize
                if newSize > Item.maximumItemSize {
                    throw DynamoError.validation("Item size to update has exceeded the maximum allowed size")
                }
                let result: Item? = switch returned {
                case "ALL_OLD": old
                case "ALL_NEW": new
                case "UPDATED_OLD": old.map(update.updatedAttributes(of:))
                case "UPDATED_NEW": update.updatedAttributes(of: new)
                default: nil
                }
                let units = CapacityUnits.write(bytes: max(current.size ?? 0, newSize))
                return ItemWrite(.put(new), result: Charged(result: result, units: units))
            }
        }
        return ItemResponse.attributes(
            outcome.result.flatMap { $0.isEmpty ? nil : $0 },
            consumed: ConsumedCapacity(tableName: tableName, units: outcome.units), report: report)
    }
}
