import StrataModel

extension UpdateExpression {
    /// Translates UpdateItem's legacy AttributeUpdates: per top-level
    /// attribute, an Action (PUT, the default, ADD or DELETE) and a Value.
    public static func attributeUpdates(_ json: JSONValue) throws(DynamoError) -> UpdateExpression {
        var actions: [UpdateAction] = []
        for member in try LegacyJSON.members(json) {
            var action = "PUT"
            var value: AttributeValue?
            for field in try LegacyJSON.members(member.value) {
                switch field.key {
                case "Action": action = try LegacyJSON.string(field.value)
                case "Value": value = try AttributeValue(json: field.value)
                default: continue
                }
            }
            actions.append(try Self.legacyAction(action, DocumentPath(member.key), value))
        }
        return UpdateExpression(actions: actions, dialect: .attributeUpdates)
    }

    private static func legacyAction(_ action: String, _ path: DocumentPath, _ value: AttributeValue?) throws(DynamoError) -> UpdateAction {
        guard let value else {
            guard action == "DELETE" else {
                throw LegacyJSON.invalidParameter("Only DELETE action is allowed when no attribute value is specified")
            }
            return .remove(path)
        }
        switch (action, value) {
        case ("PUT", _):
            return .set(path, .constant(value))
        case ("ADD", .n), ("ADD", .ss), ("ADD", .ns), ("ADD", .bs), ("ADD", .l):
            return .add(path, value)
        case ("ADD", _):
            throw LegacyJSON.invalidParameter("ADD action is not supported for the type \(value.typeName)")
        case ("DELETE", .ss), ("DELETE", .ns), ("DELETE", .bs):
            return .delete(path, value)
        case ("DELETE", _):
            throw LegacyJSON.invalidParameter("DELETE action with value is not supported for the type \(value.typeName)")
        default:
            throw .validation("1 validation error detected: Value '\(action)' at 'attributeUpdates.\(path.attributeName).member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]")
        }
    }
}
