/// The request parameter an expression came from. DynamoDB names it in
/// every error message ("Invalid FilterExpression: ...").
public enum ExpressionKind: Sendable, Hashable {
    case condition
    case filter
    case keyCondition
    case update
    case projection

    /// The parameter's wire name.
    public var parameterName: String {
        switch self {
        case .condition: "ConditionExpression"
        case .filter: "FilterExpression"
        case .keyCondition: "KeyConditionExpression"
        case .update: "UpdateExpression"
        case .projection: "ProjectionExpression"
        }
    }
}

/// The three parameters that hold a condition.
public enum ConditionKind: Sendable, Hashable {
    case condition
    case filter
    case keyCondition

    var expressionKind: ExpressionKind {
        switch self {
        case .condition: .condition
        case .filter: .filter
        case .keyCondition: .keyCondition
        }
    }
}
