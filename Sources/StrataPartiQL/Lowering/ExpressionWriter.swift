import StrataModel

/// Writes PartiQL conditions, operands and update actions as DynamoDB
/// expressions, every name a `#n` placeholder and every value a `:v` one,
/// so that the text depends only on the statement's shape and the lowered
/// operation parses it once through the expression cache.
struct ExpressionWriter {
    let binding: Binding
    private(set) var names: [(placeholder: String, name: String)] = []
    private(set) var values: [(placeholder: String, value: AttributeValue)] = []
    private var nameIndex: [String: String] = [:]

    init(binding: Binding) {
        self.binding = binding
    }

    mutating func name(_ name: String) -> String {
        if let placeholder = nameIndex[name] { return placeholder }
        let placeholder = "#n\(names.count)"
        names.append((placeholder, name))
        nameIndex[name] = placeholder
        return placeholder
    }

    mutating func value(_ value: AttributeValue) -> String {
        let placeholder = ":v\(values.count)"
        values.append((placeholder, value))
        return placeholder
    }

    mutating func path(_ path: PathSyntax) -> String {
        var text = name(path.name)
        for step in path.steps {
            switch step {
            case .name(let key): text += "." + name(key)
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    // MARK: Conditions

    mutating func condition(_ expression: Expression) throws(DynamoError) -> String {
        switch expression {
        case .and(let left, let right):
            return "(\(try condition(left))) AND (\(try condition(right)))"
        case .or(let left, let right):
            return "(\(try condition(left))) OR (\(try condition(right)))"
        case .not(let inner):
            return "NOT (\(try condition(inner)))"
        case .comparison(_, _, .missing), .comparison(_, .missing, _):
            throw DynamoError.validation("MISSING must be compared using IS operator")
        case .comparison(.notEqual, let left, let right):
            // In PartiQL a missing attribute is unequal to nothing: `a <> 1`
            // is false where `a` is missing, unlike in a condition expression.
            var text = "\(try operand(left)) <> \(try operand(right))"
            for path in [right, left].compactMap(\.path) { text = "attribute_exists(\(self.path(path))) AND \(text)" }
            return text
        case .comparison(let comparator, let left, let right):
            return "\(try operand(left)) \(comparator.rawValue) \(try operand(right))"
        case .between(let tested, let lower, let upper):
            return "\(try operand(tested)) BETWEEN \(try operand(lower)) AND \(try operand(upper))"
        case .in(let tested, let candidates):
            try Self.checkOperandCount(candidates)
            var texts: [String] = []
            for candidate in candidates { texts.append(try operand(candidate)) }
            return "\(try operand(tested)) IN (\(texts.joined(separator: ", ")))"
        case .isMissing(let tested):
            return "attribute_not_exists(\(try attributePath(tested, function: "IS MISSING")))"
        case .isNull(let tested):
            return "attribute_type(\(try attributePath(tested, function: "IS NULL")), \(value(.s("NULL"))))"
        case .call(let function, let arguments):
            return try call(function, arguments)
        default:
            throw DynamoError.validation("Unsupported condition: the expression is not a predicate")
        }
    }

    private mutating func call(_ function: String, _ arguments: [Expression]) throws(DynamoError) -> String {
        switch (function, arguments.count) {
        case ("begins_with", 2), ("contains", 2), ("attribute_type", 2):
            return "\(function)(\(try operand(arguments[0])), \(try operand(arguments[1])))"
        case ("exists", 1), ("attribute_exists", 1):
            return "attribute_exists(\(try attributePath(arguments[0], function: function)))"
        case ("missing", 1), ("attribute_not_exists", 1):
            return "attribute_not_exists(\(try attributePath(arguments[0], function: function)))"
        case ("begins_with", _), ("contains", _), ("attribute_type", _), ("exists", _), ("missing", _), ("attribute_exists", _),
            ("attribute_not_exists", _):
            throw DynamoError.validation("Incorrect number of arguments for function \(function)")
        default:
            throw DynamoError.validation("Unrecognized function: \(function)")
        }
    }

    /// The most values an IN may list.
    static let maximumInOperands = 100

    static func checkOperandCount(_ candidates: [Expression]) throws(DynamoError) {
        guard candidates.count <= maximumInOperands else {
            throw .validation("The IN operator is provided with too many operands; number of operands: \(candidates.count)")
        }
    }

    private mutating func attributePath(_ expression: Expression, function: String) throws(DynamoError) -> String {
        guard let path = expression.path else {
            throw DynamoError.validation("\(function) requires a document path")
        }
        return self.path(path)
    }

    // MARK: Operands

    /// A value in a condition or on the right of SET.
    mutating func operand(_ expression: Expression) throws(DynamoError) -> String {
        if let constant = try binding.constant(expression) { return value(constant) }
        switch expression {
        case .path(let path):
            return self.path(path)
        case .arithmetic(let operation, let left, let right):
            return "\(try operand(left)) \(operation.rawValue) \(try operand(right))"
        case .call("size", let arguments) where arguments.count == 1:
            return "size(\(try attributePath(arguments[0], function: "size")))"
        case .call("list_append", let arguments) where arguments.count == 2:
            return "list_append(\(try operand(arguments[0])), \(try operand(arguments[1])))"
        case .call("if_not_exists", let arguments) where arguments.count == 2:
            return "if_not_exists(\(try attributePath(arguments[0], function: "if_not_exists")), \(try operand(arguments[1])))"
        case .call(let function, _):
            throw DynamoError.validation("Unrecognized function: \(function)")
        case .missing:
            throw DynamoError.validation("MISSING is not a value")
        default:
            throw DynamoError.validation("Unsupported operand: a condition is not a value")
        }
    }
}
