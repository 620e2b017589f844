import StrataModel

/// UpdateExpression: clauses SET, REMOVE, ADD and DELETE, each at most once,
/// in any order, each a comma-separated list of actions.
extension Parser {
    static func parseUpdate(_ text: String) throws(DynamoError) -> [UpdateActionSyntax] {
        var parser = try Parser(text, kind: .update)
        let actions = try parser.parseClauses()
        try parser.finish()
        return actions
    }

    private static let clauses = ["SET", "REMOVE", "ADD", "DELETE"]

    private mutating func parseClauses() throws(DynamoError) -> [UpdateActionSyntax] {
        var seen: Set<String> = []
        var actions: [UpdateActionSyntax] = []
        repeat {
            guard let clause = Self.clauses.first(where: { current.isKeyword($0) }) else { throw syntaxError() }
            if !seen.insert(clause).inserted {
                record(.repeatedSection, "The \"\(clause)\" section can only be used once in an update expression;")
            }
            advance()
            actions.append(try parseAction(clause))
            while current.kind == .comma {
                advance()
                actions.append(try parseAction(clause))
            }
        } while current.kind != .end
        return actions
    }

    private mutating func parseAction(_ clause: String) throws(DynamoError) -> UpdateActionSyntax {
        let path = try parsePath()
        switch clause {
        case "SET":
            try expect(.equal)
            return .set(path, try parseSetValue())
        case "REMOVE":
            return .remove(path)
        case "ADD":
            return .add(path, value: String(try expect(.valueReference).text))
        default:
            return .delete(path, value: String(try expect(.valueReference).text))
        }
    }

    /// An operand, or two joined by one `+` or `-`.
    private mutating func parseSetValue() throws(DynamoError) -> OperandSyntax {
        let left = try parseValueOperand()
        let operation: ArithmeticOperator
        switch current.kind {
        case .plus: operation = .plus
        case .minus: operation = .minus
        default: return left
        }
        try countOperator()
        advance()
        return .arithmetic(operation, left, try parseValueOperand())
    }
}
