import StrataExpressions
import StrataModel

/// `ExpressionAttributeNames` and `ExpressionAttributeValues`, checked as
/// DynamoDB checks them before any expression is parsed.
struct ExpressionParameters {
    let names: [String: String]?
    let values: [String: AttributeValue]?
    /// The first invalid name or value: DynamoDB reports it only after it has
    /// checked that the request has expressions to use them (and, for a
    /// write, the item's values), in `checkMembers()`.
    private var invalidMember: DynamoError?

    static func decode(_ request: RequestBody) throws(DynamoError) -> ExpressionParameters {
        var invalidMember: DynamoError?
        let names = try request.stringMap("ExpressionAttributeNames")
        if let names {
            if names.isEmpty { throw .validation("ExpressionAttributeNames must not be empty") }
            for (reference, name) in names.sorted(by: { $0.key < $1.key }) {
                if invalidMember == nil, let problem = AttributeNames.problem(with: name) {
                    invalidMember = .validation("ExpressionAttributeNames contains invalid value: \(problem) for key \(reference)")
                }
            }
        }
        var values: [String: AttributeValue]?
        if let json = request.value("ExpressionAttributeValues") {
            guard case .object(let object) = json else { throw RequestBody.mismatch(json, expected: .map) }
            if object.isEmpty { throw .validation("ExpressionAttributeValues must not be empty") }
            var decoded: [String: AttributeValue] = [:]
            for member in object.members {
                do {
                    decoded[member.key] = try AttributeValue(json: member.value)
                } catch .validation(let message) {
                    if invalidMember == nil {
                        invalidMember = .validation("ExpressionAttributeValues contains invalid value: \(message) for key \(member.key)")
                    }
                }
            }
            values = decoded
        }
        return ExpressionParameters(names: names, values: values, invalidMember: invalidMember)
    }

    /// Refuses names or values in a request that has no expression to use
    /// them. `valueUsers` names the expressions that could use values, as in
    /// DynamoDB's message ("ConditionExpression is null").
    func requireExpressions(anyExpression: Bool, valueExpression: Bool, valueUsers: String) throws(DynamoError) {
        if names != nil && !anyExpression {
            throw .validation("ExpressionAttributeNames can only be specified when using expressions")
        }
        if values != nil && !valueExpression {
            throw .validation("ExpressionAttributeValues can only be specified when using expressions: \(valueUsers)")
        }
    }

    /// Refuses an invalid name or value.
    func checkMembers() throws(DynamoError) {
        if let invalidMember { throw invalidMember }
    }

    func context() -> ExpressionContext {
        ExpressionContext(names: names, values: values)
    }
}

/// DynamoDB refuses a request that mixes the legacy parameters with expressions.
enum ParameterMix {
    static func check(legacy: [(String, Bool)], expressions: [(String, Bool)]) throws(DynamoError) {
        let usedLegacy = legacy.filter(\.1).map(\.0)
        let usedExpressions = expressions.filter(\.1).map(\.0)
        guard !usedLegacy.isEmpty, !usedExpressions.isEmpty else { return }
        throw .validation(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {\(usedLegacy.joined(separator: ", "))} Expression parameters: {\(usedExpressions.joined(separator: ", "))}")
    }
}
