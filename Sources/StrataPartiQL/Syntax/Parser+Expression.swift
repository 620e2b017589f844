import StrataModel

/// Expressions, loosest binding first: OR, AND, NOT, the predicates
/// (comparisons, BETWEEN, IN, IS), + and -, unary minus, and the primaries.
extension Parser {
    mutating func expression() throws(DynamoError) -> Expression {
        try enterNesting()
        defer { leaveNesting() }
        var left = try conjunction()
        while accept("OR") {
            left = .or(left, try conjunction())
        }
        return left
    }

    private mutating func conjunction() throws(DynamoError) -> Expression {
        var left = try negation()
        while accept("AND") {
            left = .and(left, try negation())
        }
        return left
    }

    private mutating func negation() throws(DynamoError) -> Expression {
        guard accept("NOT") else { return try predicate() }
        try enterNesting()
        defer { leaveNesting() }
        return .not(try negation())
    }

    private mutating func predicate() throws(DynamoError) -> Expression {
        let left = try additive()
        if let comparator = Self.comparator(current.kind) {
            advance()
            return .comparison(comparator, left, try additive())
        }
        if accept("IS") {
            let negated = accept("NOT")
            let test: Expression
            if accept("MISSING") {
                test = .isMissing(left)
            } else if accept("NULL") {
                test = .isNull(left)
            } else {
                throw unexpected()
            }
            return negated ? .not(test) : test
        }
        let negated = current.isKeyword("NOT") && (next.isKeyword("BETWEEN") || next.isKeyword("IN"))
        if negated { advance() }
        let result: Expression
        if accept("BETWEEN") {
            let lower = try additive()
            try expectKeyword("AND")
            result = .between(left, lower: lower, upper: try additive())
        } else if accept("IN") {
            result = .in(left, try inList())
        } else {
            return left
        }
        return negated ? .not(result) : result
    }

    /// `[a, b]` or `(a, b)`.
    private mutating func inList() throws(DynamoError) -> [Expression] {
        let close: Token.Kind
        switch current.kind {
        case .leftBracket: close = .rightBracket
        case .leftParen: close = .rightParen
        default: throw unexpected()
        }
        advance()
        let values = try elements(until: close)
        if values.isEmpty { throw unexpected() }
        return values
    }

    private mutating func additive() throws(DynamoError) -> Expression {
        var left = try unary()
        while current.kind == .plus || current.kind == .minus {
            let operation: Expression.Arithmetic = advance().kind == .plus ? .plus : .minus
            left = .arithmetic(operation, left, try unary())
        }
        return left
    }

    private mutating func unary() throws(DynamoError) -> Expression {
        guard current.kind == .minus else { return try primary() }
        advance()
        if current.kind == .number { return .number("-" + advance().text) }
        try enterNesting()
        defer { leaveNesting() }
        return .negated(try unary())
    }

    private mutating func primary() throws(DynamoError) -> Expression {
        switch current.kind {
        case .parameter:
            advance()
            parameterCount += 1
            return .parameter(parameterCount - 1)
        case .string:
            return .string(advance().text)
        case .number:
            return .number(advance().text)
        case .leftParen:
            advance()
            let inner = try expression()
            try expect(.rightParen)
            return inner
        case .leftBracket:
            advance()
            return try nested { parser throws(DynamoError) in .list(try parser.elements(until: .rightBracket)) }
        case .leftAngles:
            advance()
            return try nested { parser throws(DynamoError) in .bag(try parser.elements(until: .rightAngles)) }
        case .leftBrace:
            advance()
            return try nested { parser throws(DynamoError) in .tuple(try parser.tupleMembers()) }
        case .quotedName:
            return .path(try path())
        case .word:
            if accept("TRUE") { return .boolean(true) }
            if accept("FALSE") { return .boolean(false) }
            if accept("NULL") { return .null }
            if accept("MISSING") { return .missing }
            if next.kind == .leftParen, !ReservedWords.contains(current.text) || Self.functions.contains(current.text.lowercased()) {
                return try call()
            }
            return .path(try path())
        default:
            throw unexpected()
        }
    }

    /// The functions DynamoDB's dialect has; others are refused when lowered.
    static let functions: Set<String> = [
        "begins_with", "contains", "attribute_type", "size", "exists", "missing", "attribute_exists", "attribute_not_exists",
        "list_append", "set_add", "set_delete", "if_not_exists",
    ]

    private mutating func call() throws(DynamoError) -> Expression {
        let name = advance().text.lowercased()
        advance()  // (
        return try nested { parser throws(DynamoError) in .call(name, try parser.elements(until: .rightParen)) }
    }

    private mutating func nested(_ parse: (inout Parser) throws(DynamoError) -> Expression) throws(DynamoError) -> Expression {
        try enterNesting()
        defer { leaveNesting() }
        return try parse(&self)
    }

    /// Comma-separated expressions up to the closing token, which is consumed.
    private mutating func elements(until close: Token.Kind) throws(DynamoError) -> [Expression] {
        var values: [Expression] = []
        if current.kind == close {
            advance()
            return values
        }
        while true {
            values.append(try expression())
            if current.kind == close {
                advance()
                return values
            }
            try expect(.comma)
        }
    }

    /// `'key': value, ...}`: the members of a tuple, after its `{`.
    private mutating func tupleMembers() throws(DynamoError) -> [TupleMember] {
        var members: [TupleMember] = []
        if current.kind == .rightBrace {
            advance()
            return members
        }
        while true {
            guard current.kind == .string || current.kind == .quotedName else { throw unexpected() }
            let key = advance().text
            try expect(.colon)
            members.append(TupleMember(key: key, value: try expression()))
            if current.kind == .rightBrace {
                advance()
                return members
            }
            try expect(.comma)
        }
    }

    /// `name`, then `.name`, `[index]` or `['key']` steps.
    mutating func path() throws(DynamoError) -> PathSyntax {
        var path = PathSyntax(name: try name())
        while true {
            switch current.kind {
            case .dot:
                advance()
                path.steps.append(.name(try name()))
            case .leftBracket:
                advance()
                switch current.kind {
                case .number:
                    guard let index = Int(current.text), index >= 0 else { throw unexpected() }
                    advance()
                    path.steps.append(.index(index))
                case .string:
                    path.steps.append(.name(advance().text))
                default:
                    throw unexpected()
                }
                try expect(.rightBracket)
            default:
                return path
            }
        }
    }

    private static func comparator(_ kind: Token.Kind) -> Expression.Comparator? {
        switch kind {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        default: nil
        }
    }
}
