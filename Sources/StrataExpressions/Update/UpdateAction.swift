import StrataModel

/// One resolved action of an update.
enum UpdateAction: Sendable {
    case set(DocumentPath, Operand)
    case remove(DocumentPath)
    case add(DocumentPath, AttributeValue)
    case delete(DocumentPath, AttributeValue)

    var path: DocumentPath {
        switch self {
        case .set(let path, _), .remove(let path), .add(let path, _), .delete(let path, _): path
        }
    }
}

/// UpdateExpression and the legacy AttributeUpdates share their actions but
/// not every rule: only AttributeUpdates may ADD to a list, and they word a
/// type mismatch differently.
enum UpdateDialect: Sendable {
    case expression
    case attributeUpdates

    var typeMismatch: DynamoError {
        switch self {
        case .expression: ExpressionError.incorrectDataType
        case .attributeUpdates: .validation("Type mismatch for attribute to update")
        }
    }
}
