import StrataModel

extension Resolver {
    func condition(_ syntax: ConditionSyntax) throws(DynamoError) -> Condition {
        switch syntax {
        case .comparison(let comparator, let left, let right):
            let operands = (try operand(left), try operand(right))
            if comparator.isOrdering {
                try require([operands.0, operands.1], in: Self.orderedTypes, function: comparator.rawValue)
            }
            try requireDistinct(operands.0, operands.1, function: comparator.rawValue)
            return .comparison(comparator, operands.0, operands.1)
        case .between(let subject, let lower, let upper):
            let operands = (try operand(subject), try operand(lower), try operand(upper))
            try require([operands.0, operands.1, operands.2], in: Self.orderedTypes, function: "BETWEEN")
            try checkBounds(operands.1, operands.2)
            return .between(operands.0, lower: operands.1, upper: operands.2)
        case .in(let subject, let candidates):
            var resolved: [Operand] = []
            resolved.reserveCapacity(candidates.count)
            for candidate in candidates { resolved.append(try operand(candidate)) }
            return .in(try operand(subject), resolved)
        case .function(let function, let arguments):
            return try conditionCall(function, arguments)
        case .and(let terms):
            return .and(try conditions(terms))
        case .or(let terms):
            return .or(try conditions(terms))
        case .not(let term):
            return .not(try condition(term))
        }
    }

    private static let orderedTypes: Set<String> = ["S", "N", "B"]

    private func conditions(_ terms: [ConditionSyntax]) throws(DynamoError) -> [Condition] {
        var resolved: [Condition] = []
        resolved.reserveCapacity(terms.count)
        for term in terms { resolved.append(try condition(term)) }
        return resolved
    }

    private func conditionCall(_ function: FunctionName, _ arguments: [OperandSyntax]) throws(DynamoError) -> Condition {
        switch function {
        case .attributeExists:
            return .exists(try path(arguments[0].pathSyntax))
        case .attributeNotExists:
            return .notExists(try path(arguments[0].pathSyntax))
        case .attributeType:
            let subject = try operand(arguments[0])
            return .hasType(subject, typeName: try typeName(arguments[1]))
        case .beginsWith:
            let operands = (try operand(arguments[0]), try operand(arguments[1]))
            try require([operands.0, operands.1], in: ["S", "B"], function: function.rawValue)
            try requireDistinct(operands.0, operands.1, function: function.rawValue)
            return .beginsWith(operands.0, operands.1)
        case .contains:
            let operands = (try operand(arguments[0]), try operand(arguments[1]))
            try requireDistinct(operands.0, operands.1, function: function.rawValue)
            return .contains(operands.0, operands.1)
        case .size, .ifNotExists, .listAppend:
            // The parser has already refused a value used as a condition.
            throw ExpressionError.invalid(kind, "The function is not allowed to be used this way in an expression; function: \(function.rawValue)")
        }
    }

    /// attribute_type's second argument must be a value naming a type.
    private func typeName(_ syntax: OperandSyntax) throws(DynamoError) -> String {
        let validTypes = ["B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M"]
        guard case .constant(let value) = try operand(syntax) else {
            throw ExpressionError.operandType(kind, function: FunctionName.attributeType.rawValue, type: "{\(validTypes.joined(separator: ","))}")
        }
        guard case .s(let name) = value else {
            throw ExpressionError.operandType(kind, function: FunctionName.attributeType.rawValue, type: value.typeName)
        }
        guard validTypes.contains(name) else {
            throw ExpressionError.invalid(kind, "Invalid attribute type name found; type: \(name), valid types: {\(validTypes.joined(separator: ","))}")
        }
        return name
    }

    private func requireDistinct(_ first: Operand, _ second: Operand, function: String) throws(DynamoError) {
        if let path = first.path, path == second.path {
            throw ExpressionError.invalid(kind, "The first operand must be distinct from the remaining operands for this operator or function; operator: \(function), first operand: \(path)")
        }
    }

    /// Bounds given as values must have one type and be in order.
    private func checkBounds(_ lower: Operand, _ upper: Operand) throws(DynamoError) {
        guard case .constant(let low) = lower, case .constant(let high) = upper else { return }
        let bounds = "lower bound operand: AttributeValue: {\(low.briefDescription)}, upper bound operand: AttributeValue: {\(high.briefDescription)}"
        guard low.typeName == high.typeName else {
            throw ExpressionError.invalid(kind, "The BETWEEN operator requires same data type for lower and upper bounds; \(bounds)")
        }
        if let order = low.order(comparedTo: high), order > 0 {
            throw ExpressionError.invalid(kind, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; \(bounds)")
        }
    }
}

extension AttributeValue {
    /// `N:2`, `S:dog`: how DynamoDB shows a scalar in an error message.
    var briefDescription: String {
        switch self {
        case .s(let s): "S:\(s)"
        case .n(let n): "N:\(n.text)"
        case .b(let b): "B:\(Base64.encode(b))"
        default: typeName
        }
    }
}
