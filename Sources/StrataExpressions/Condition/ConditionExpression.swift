import StrataModel

/// A ConditionExpression, FilterExpression or KeyConditionExpression (or the
/// legacy Expected, QueryFilter or ScanFilter), resolved against a request.
public struct ConditionExpression: Sendable {
    let condition: Condition

    init(_ condition: Condition) {
        self.condition = condition
    }

    /// - Parameters:
    ///   - text: the expression as the client sent it.
    ///   - context: the request's names and values; records which are used.
    ///   - kind: the parameter the text came from, named in error messages.
    ///   - cache: where parsed expressions are kept between requests.
    public static func parse(
        _ text: String,
        context: ExpressionContext,
        kind: ConditionKind = .condition,
        cache: ExpressionCache? = nil
    ) throws(DynamoError) -> ConditionExpression {
        let expressionKind = kind.expressionKind
        let syntax = try cache.syntax(for: .condition(expressionKind, text)) { () throws(DynamoError) in
            try Parser.parseCondition(text, kind: expressionKind)
        }
        return ConditionExpression(try Resolver(context: context, kind: expressionKind).condition(syntax))
    }

    /// Whether `item` satisfies the condition; pass nil when there is no item.
    public func evaluate(_ item: Item?) -> Bool {
        condition.isSatisfied(by: item)
    }
}
