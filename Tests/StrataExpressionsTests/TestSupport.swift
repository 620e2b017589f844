import StrataExpressions
import StrataModel
import Testing

func number(_ text: String) -> DynamoNumber {
    try! DynamoNumber(parsing: text)
}

func n(_ text: String) -> AttributeValue {
    .n(number(text))
}

/// The message of the ValidationException `body` throws, or nil if it
/// throws nothing or something else.
func validationMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        if case .validation(let message)? = error as? DynamoError { return message }
        return nil
    }
}

func condition(_ text: String, names: [String: String]? = nil, values: [String: AttributeValue]? = nil,
               kind: ConditionKind = .condition) throws(DynamoError) -> ConditionExpression {
    try ConditionExpression.parse(text, context: ExpressionContext(names: names, values: values), kind: kind)
}

func update(_ text: String, names: [String: String]? = nil, values: [String: AttributeValue]? = nil) throws(DynamoError) -> UpdateExpression {
    try UpdateExpression.parse(text, context: ExpressionContext(names: names, values: values))
}

func projection(_ text: String, names: [String: String]? = nil) throws(DynamoError) -> ProjectionExpression {
    try ProjectionExpression.parse(text, context: ExpressionContext(names: names, values: nil))
}
