import StrataModel

/// DynamoDB's messages for invalid expressions. Every one is a
/// ValidationException; most start with "Invalid <parameter>: ".
enum ExpressionError {
    static func invalid(_ kind: ExpressionKind, _ detail: String) -> DynamoError {
        .validation("Invalid \(kind.parameterName): \(detail)")
    }

    static func empty(_ kind: ExpressionKind) -> DynamoError {
        invalid(kind, "The expression can not be empty;")
    }

    static func tooLong(_ kind: ExpressionKind, size: Int) -> DynamoError {
        invalid(kind, "Expression size has exceeded the maximum allowed size; expression size: \(size)")
    }

    static func syntax(_ kind: ExpressionKind, token: String, near: String) -> DynamoError {
        invalid(kind, "Syntax error; token: \"\(token)\", near: \"\(near)\"")
    }

    static func tooManyOperators(_ kind: ExpressionKind, count: Int) -> DynamoError {
        invalid(kind, "The expression contains too many operators; operator count: \(count)")
    }

    static func nestedTooDeeply(_ kind: ExpressionKind) -> DynamoError {
        invalid(kind, "The expression is nested too deeply; maximum nesting: \(ExpressionLimits.maximumNesting)")
    }

    static func undefinedName(_ kind: ExpressionKind, _ reference: String) -> DynamoError {
        invalid(kind, "An expression attribute name used in the document path is not defined; attribute name: \(reference)")
    }

    static func undefinedValue(_ kind: ExpressionKind, _ reference: String) -> DynamoError {
        invalid(kind, "An expression attribute value used in expression is not defined; attribute value: \(reference)")
    }

    static func operandType(_ kind: ExpressionKind, function: String, type: String) -> DynamoError {
        invalid(kind, "Incorrect operand type for operator or function; operator or function: \(function), operand type: \(type)")
    }

    /// ADD and DELETE name the operand's type in words ("STRING").
    static func actionOperandType(action: String, value: AttributeValue) -> DynamoError {
        invalid(.update, "Incorrect operand type for operator or function; operator: \(action), operand type: \(value.typeWord)")
    }

    static func pathsOverlap(_ kind: ExpressionKind, _ one: DocumentPath, _ two: DocumentPath) -> DynamoError {
        invalid(kind, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: \(one), path two: \(two)")
    }

    static func pathsConflict(_ kind: ExpressionKind, _ one: DocumentPath, _ two: DocumentPath) -> DynamoError {
        invalid(kind, "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: \(one), path two: \(two)")
    }

    // Failures that depend on the item, found while applying an update.
    static let invalidUpdatePath = DynamoError.validation(
        "The document path provided in the update expression is invalid for update")
    static let missingAttribute = DynamoError.validation(
        "The provided expression refers to an attribute that does not exist in the item")
    static let incorrectDataType = DynamoError.validation(
        "An operand in the update expression has an incorrect data type")
}

extension AttributeValue {
    /// The type as ADD/DELETE errors spell it.
    var typeWord: String {
        switch self {
        case .s: "STRING"
        case .n: "NUMBER"
        case .b: "BINARY"
        case .bool: "BOOLEAN"
        case .null: "NULL"
        case .m: "MAP"
        case .l: "LIST"
        case .ss: "STRING_SET"
        case .ns: "NUMBER_SET"
        case .bs: "BINARY_SET"
        }
    }
}
