import StrataModel

/// Document paths, placeholders and function calls: the operands every
/// expression kind shares.
extension Parser {
    mutating func parsePath() throws(DynamoError) -> PathSyntax {
        var elements = [try parsePathName()]
        while true {
            if current.kind == .dot {
                advance()
                elements.append(try parsePathName())
            } else if current.kind == .leftBracket {
                advance()
                let index = try expect(.integer)
                try expect(.rightBracket)
                elements.append(.index(listIndex(index.text)))
            } else {
                break
            }
        }
        if elements.count > ExpressionLimits.maximumPathDepth {
            record(.pathLimit, "The document path has too many nesting levels; nesting levels: \(elements.count)")
        }
        return PathSyntax(elements: elements)
    }

    private mutating func parsePathName() throws(DynamoError) -> PathSyntax.Element {
        switch current.kind {
        case .identifier:
            let name = advance().text
            if ReservedWords.contains(name) {
                record(.reservedWord, "Attribute name is a reserved keyword; reserved keyword: \(name)")
            }
            return .name(String(name))
        case .nameReference:
            return .nameReference(String(advance().text))
        default:
            throw syntaxError()
        }
    }

    private mutating func listIndex(_ digits: Substring) -> Int {
        if let index = Int32(digits) { return Int(index) }
        record(.pathLimit, "List index is not within the allowable range; index: [\(digits)]")
        return 0
    }

    /// An operand in a value position: a function here must produce a value.
    mutating func parseValueOperand() throws(DynamoError) -> OperandSyntax {
        let operand = try parseOperand()
        if case .function(let function, _) = operand, function.isCondition {
            recordMisused(function)
        }
        return operand
    }

    /// An operand whose role (value or condition) the caller decides.
    mutating func parseOperand() throws(DynamoError) -> OperandSyntax {
        switch current.kind {
        case .valueReference:
            return .value(String(advance().text))
        case .identifier where next.kind == .leftParen:
            return try parseFunctionCall()
        case .identifier, .nameReference:
            return .path(try parsePath())
        default:
            throw syntaxError()
        }
    }

    private mutating func parseFunctionCall() throws(DynamoError) -> OperandSyntax {
        let nameToken = advance()
        let function = FunctionName(rawValue: String(nameToken.text))
        // Recorded before the arguments are parsed, so that even a call nested
        // past the cap is reported by its name.
        if function == nil {
            record(.unknownFunction, "Invalid function name; function: \(nameToken.text)")
        }
        try expect(.leftParen)
        try enterNesting()
        var arguments = [try parseValueOperand()]
        while current.kind == .comma {
            advance()
            arguments.append(try parseValueOperand())
        }
        try expect(.rightParen)
        leaveNesting()
        guard let function else {
            // Never evaluated: the unknown function's error is thrown at the end.
            return .value(String(nameToken.text))
        }
        checkCall(function, arguments)
        return .function(function, arguments)
    }

    private mutating func checkCall(_ function: FunctionName, _ arguments: [OperandSyntax]) {
        if !function.isAllowed(in: kind) {
            recordMisused(function)
        }
        if arguments.count != function.arity {
            record(.operands, "Incorrect number of operands for operator or function; operator or function: \(function.rawValue), number of operands: \(arguments.count)")
            return
        }
        switch function {
        case .attributeExists, .attributeNotExists, .ifNotExists:
            if case .path = arguments[0] { break }
            record(.operands, "Operator or function requires a document path; operator or function: \(function.rawValue)")
        case .listAppend:
            // DynamoDB refuses list_append directly inside list_append.
            for case .function(.listAppend, _) in arguments { recordMisused(.listAppend) }
        default:
            break
        }
    }

    mutating func recordMisused(_ function: FunctionName) {
        if kind == .keyCondition {
            record(.misusedFunction, .validation("Invalid operator used in KeyConditionExpression: \(function.rawValue)"))
        } else {
            record(.misusedFunction, "The function is not allowed to be used this way in an expression; function: \(function.rawValue)")
        }
    }
}
