/// A PartiQL expression as written: a WHERE clause, a value in SET or
/// VALUE, an operand. Parameters are still `?` slots.
indirect enum Expression: Sendable, Equatable {
    enum Comparator: String, Sendable {
        case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    enum Arithmetic: String, Sendable {
        case plus = "+", minus = "-"
    }

    case path(PathSyntax)
    /// The n-th `?` of the statement, counted from 0.
    case parameter(Int)
    case string(String)
    /// A number as written; checked when it becomes a value.
    case number(String)
    case boolean(Bool)
    case null
    case missing
    case list([Expression])
    /// `{'key': value, ...}`
    case tuple([TupleMember])
    /// `<<v, ...>>`: a string, number or binary set.
    case bag([Expression])
    case comparison(Comparator, Expression, Expression)
    case between(Expression, lower: Expression, upper: Expression)
    case `in`(Expression, [Expression])
    case isMissing(Expression)
    case isNull(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case not(Expression)
    /// A function call, its name lowercased.
    case call(String, [Expression])
    case arithmetic(Arithmetic, Expression, Expression)
    case negated(Expression)

    /// The path this expression is, if it is one.
    var path: PathSyntax? {
        if case .path(let path) = self { path } else { nil }
    }
}

struct TupleMember: Sendable, Equatable {
    let key: String
    let value: Expression
}

/// A document path: `a`, `"a"."b"`, `a.b[2]`, `a['b']`.
struct PathSyntax: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case name(String)
        case index(Int)
    }

    let name: String
    var steps: [Step] = []

    var isTopLevel: Bool { steps.isEmpty }
}
