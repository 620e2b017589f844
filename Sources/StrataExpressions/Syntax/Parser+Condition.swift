import StrataModel

/// Conditions, by DynamoDB's precedence from loosest to tightest:
/// OR, AND, NOT, then parentheses, comparisons, BETWEEN, IN and functions.
extension Parser {
    static func parseCondition(_ text: String, kind: ExpressionKind) throws(DynamoError) -> ConditionSyntax {
        var parser = try Parser(text, kind: kind)
        let condition = try parser.parseOr().condition
        try parser.finish()
        return condition
    }

    /// `isGroup` is true when the whole result is one parenthesized
    /// condition: wrapping that in parentheses again is redundant.
    private typealias Parsed = (condition: ConditionSyntax, isGroup: Bool)

    private mutating func parseOr() throws(DynamoError) -> Parsed {
        let first = try parseAnd()
        var terms = [first.condition]
        while current.isKeyword("OR") {
            try countKeyConditionOperator("OR")
            advance()
            terms.append(try parseAnd().condition)
        }
        return terms.count == 1 ? first : (.or(terms), false)
    }

    private mutating func parseAnd() throws(DynamoError) -> Parsed {
        let first = try parseNot()
        var terms = [first.condition]
        while current.isKeyword("AND") {
            try countOperator()
            advance()
            terms.append(try parseNot().condition)
        }
        return terms.count == 1 ? first : (.and(terms), false)
    }

    /// A loop rather than recursion, so a run of NOTs costs no stack.
    private mutating func parseNot() throws(DynamoError) -> Parsed {
        var negations = 0
        while current.isKeyword("NOT") {
            try countKeyConditionOperator("NOT")
            advance()
            negations += 1
        }
        var parsed = try parsePrimary()
        for _ in 0..<negations { parsed = (.not(parsed.condition), false) }
        return parsed
    }

    private mutating func parsePrimary() throws(DynamoError) -> Parsed {
        if current.kind == .leftParen {
            advance()
            try enterNesting()
            let inner = try parseOr()
            try expect(.rightParen)
            leaveNesting()
            if inner.isGroup {
                record(.redundantParentheses, "The expression has redundant parentheses;")
            }
            return (inner.condition, true)
        }
        let left = try parseOperand()
        if let comparator = comparator(current.kind) {
            if comparator == .notEqual { try countKeyConditionOperator("<>") } else { try countOperator() }
            advance()
            checkValue(left)
            return (.comparison(comparator, left, try parseValueOperand()), false)
        }
        if current.isKeyword("BETWEEN") {
            try countOperator()
            advance()
            checkValue(left)
            let lower = try parseValueOperand()
            try expectKeyword("AND")
            return (.between(left, lower: lower, upper: try parseValueOperand()), false)
        }
        if current.isKeyword("IN") {
            try countKeyConditionOperator("IN")
            advance()
            checkValue(left)
            return (.in(left, try parseInList()), false)
        }
        if case .value(let name) = left, !name.hasPrefix(":") {
            // An unknown function standing as a condition (`dog(a, :v)`): its
            // "Invalid function name" is already recorded and thrown at the
            // end, so the parse goes on with a stand-in never evaluated.
            return (.function(.attributeExists, []), false)
        }
        guard case .function(let function, let arguments) = left else { throw syntaxError() }
        if !function.isCondition { recordMisused(function) }
        return (.function(function, arguments), false)
    }

    private mutating func parseInList() throws(DynamoError) -> [OperandSyntax] {
        try expect(.leftParen)
        var operands = [try parseValueOperand()]
        while current.kind == .comma {
            advance()
            operands.append(try parseValueOperand())
        }
        try expect(.rightParen)
        if operands.count >= ExpressionLimits.maximumInOperands {
            record(.operands, "Incorrect number of operands for operator or function; operator or function: IN, number of operands: \(operands.count + 1)")
        }
        return operands
    }

    private mutating func checkValue(_ operand: OperandSyntax) {
        if case .function(let function, _) = operand, function.isCondition {
            recordMisused(function)
        }
    }

    /// KeyConditionExpression allows only AND, the ordering comparators, `=`,
    /// BETWEEN and begins_with.
    private mutating func countKeyConditionOperator(_ name: String) throws(DynamoError) {
        try countOperator()
        if kind == .keyCondition {
            record(.misusedFunction, .validation("Invalid operator used in KeyConditionExpression: \(name)"))
        }
    }

    private func comparator(_ kind: Token.Kind) -> Comparator? {
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
