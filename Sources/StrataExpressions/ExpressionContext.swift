import StrataModel

/// The ExpressionAttributeNames and ExpressionAttributeValues of one request.
/// Resolving a request's expressions records which entries they use, so that
/// unused ones can be refused afterwards, as DynamoDB refuses them.
///
/// One request uses one context on one task, so it is a plain class.
public final class ExpressionContext {
    let names: [String: String]
    let values: [String: AttributeValue]
    private var usedNames: Set<String> = []
    private var usedValues: Set<String> = []

    public init(names: [String: String]?, values: [String: AttributeValue]?) {
        self.names = names ?? [:]
        self.values = values ?? [:]
    }

    func name(for reference: String, kind: ExpressionKind) throws(DynamoError) -> String {
        guard let name = names[reference] else { throw ExpressionError.undefinedName(kind, reference) }
        usedNames.insert(reference)
        return name
    }

    func value(for reference: String, kind: ExpressionKind) throws(DynamoError) -> AttributeValue {
        guard let value = values[reference] else { throw ExpressionError.undefinedValue(kind, reference) }
        usedValues.insert(reference)
        return value
    }

    /// Call after resolving every expression of the request.
    public func checkAllUsed() throws(DynamoError) {
        let unusedNames = names.keys.filter { !usedNames.contains($0) }
        if !unusedNames.isEmpty {
            throw .validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.sorted().joined(separator: ", "))}")
        }
        let unusedValues = values.keys.filter { !usedValues.contains($0) }
        if !unusedValues.isEmpty {
            throw .validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.sorted().joined(separator: ", "))}")
        }
    }
}
