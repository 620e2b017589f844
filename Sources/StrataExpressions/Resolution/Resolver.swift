import StrataModel

/// Turns a syntax tree into a resolved one against one request's
/// ExpressionAttributeNames and ExpressionAttributeValues, and checks what
/// can only be checked once the values are known.
struct Resolver {
    let context: ExpressionContext
    let kind: ExpressionKind

    func path(_ syntax: PathSyntax) throws(DynamoError) -> DocumentPath {
        var elements: [DocumentPath.Element] = []
        elements.reserveCapacity(syntax.elements.count)
        for element in syntax.elements {
            switch element {
            case .name(let name): elements.append(.attribute(name))
            case .nameReference(let reference): elements.append(.attribute(try context.name(for: reference, kind: kind)))
            case .index(let index): elements.append(.index(index))
            }
        }
        guard case .attribute(let top) = elements.first else {
            preconditionFailure("the grammar starts every path with a name")
        }
        return DocumentPath(top, Array(elements.dropFirst()))
    }

    func value(_ reference: String) throws(DynamoError) -> AttributeValue {
        try context.value(for: reference, kind: kind)
    }

    func operand(_ syntax: OperandSyntax) throws(DynamoError) -> Operand {
        switch syntax {
        case .path(let path):
            return .path(try self.path(path))
        case .value(let reference):
            return .constant(try value(reference))
        case .arithmetic(let operation, let left, let right):
            let resolved = (try operand(left), try operand(right))
            try require([resolved.0, resolved.1], in: ["N"], function: operation.rawValue)
            return .arithmetic(operation, resolved.0, resolved.1)
        case .function(let function, let arguments):
            return try call(function, arguments)
        }
    }

    private func call(_ function: FunctionName, _ arguments: [OperandSyntax]) throws(DynamoError) -> Operand {
        switch function {
        case .size:
            let argument = try operand(arguments[0])
            if let type = argument.staticType, ["N", "BOOL", "NULL"].contains(type) {
                throw ExpressionError.operandType(kind, function: function.rawValue, type: type)
            }
            return .size(argument)
        case .ifNotExists:
            return .ifNotExists(try path(arguments[0].pathSyntax), try operand(arguments[1]))
        case .listAppend:
            let resolved = (try operand(arguments[0]), try operand(arguments[1]))
            try require([resolved.0, resolved.1], in: ["L"], function: function.rawValue)
            return .listAppend(resolved.0, resolved.1)
        case .attributeExists, .attributeNotExists, .attributeType, .beginsWith, .contains:
            // The parser has already refused a condition used as a value.
            throw ExpressionError.invalid(kind, "The function is not allowed to be used this way in an expression; function: \(function.rawValue)")
        }
    }

    /// Refuses operands whose type is known and not among `types`.
    func require(_ operands: [Operand], in types: Set<String>, function: String) throws(DynamoError) {
        for operand in operands {
            if let type = operand.staticType, !types.contains(type) {
                throw ExpressionError.operandType(kind, function: function, type: type)
            }
        }
    }
}

extension OperandSyntax {
    /// The path of an argument the parser has checked to be a path.
    var pathSyntax: PathSyntax {
        if case .path(let path) = self { return path }
        preconditionFailure("the parser accepts only a path here")
    }
}
