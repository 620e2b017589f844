/// The parsed form of an expression, before `#name` and `:value`
/// placeholders are looked up. It depends only on the expression text, so it
/// is what the cache keeps.

struct PathSyntax: Sendable, Hashable {
    enum Element: Sendable, Hashable {
        case name(String)
        case nameReference(String)
        case index(Int)
    }

    var elements: [Element]
}

enum FunctionName: String, Sendable, CaseIterable {
    case attributeExists = "attribute_exists"
    case attributeNotExists = "attribute_not_exists"
    case attributeType = "attribute_type"
    case beginsWith = "begins_with"
    case contains
    case size
    case ifNotExists = "if_not_exists"
    case listAppend = "list_append"

    var arity: Int {
        switch self {
        case .attributeExists, .attributeNotExists, .size: 1
        case .attributeType, .beginsWith, .contains, .ifNotExists, .listAppend: 2
        }
    }

    /// Functions that are conditions by themselves, rather than values.
    var isCondition: Bool {
        switch self {
        case .attributeExists, .attributeNotExists, .attributeType, .beginsWith, .contains: true
        case .size, .ifNotExists, .listAppend: false
        }
    }

    /// Whether an expression of this kind may call the function.
    func isAllowed(in kind: ExpressionKind) -> Bool {
        switch (self, kind) {
        case (.ifNotExists, .update), (.listAppend, .update): true
        case (.ifNotExists, _), (.listAppend, _), (_, .update), (_, .projection): false
        case (.beginsWith, .keyCondition): true
        case (_, .keyCondition): false
        default: true
        }
    }
}

enum ArithmeticOperator: String, Sendable {
    case plus = "+"
    case minus = "-"
}

enum Comparator: String, Sendable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    var isOrdering: Bool { self != .equal && self != .notEqual }
}

indirect enum OperandSyntax: Sendable {
    case path(PathSyntax)
    case value(String)
    case function(FunctionName, [OperandSyntax])
    case arithmetic(ArithmeticOperator, OperandSyntax, OperandSyntax)
}

indirect enum ConditionSyntax: Sendable {
    case comparison(Comparator, OperandSyntax, OperandSyntax)
    case between(OperandSyntax, lower: OperandSyntax, upper: OperandSyntax)
    case `in`(OperandSyntax, [OperandSyntax])
    case function(FunctionName, [OperandSyntax])
    case and([ConditionSyntax])
    case or([ConditionSyntax])
    case not(ConditionSyntax)
}

enum UpdateActionSyntax: Sendable {
    case set(PathSyntax, OperandSyntax)
    case remove(PathSyntax)
    case add(PathSyntax, value: String)
    case delete(PathSyntax, value: String)
}
