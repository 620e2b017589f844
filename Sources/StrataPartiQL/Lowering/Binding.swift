import StrataModel

/// The request's `Parameters`, and the values of constant expressions.
struct Binding {
    let parameters: [AttributeValue]

    /// The value of a constant expression (a literal, a parameter, or a
    /// list, tuple or set of them); nil for anything that reads the item.
    func constant(_ expression: Expression) throws(DynamoError) -> AttributeValue? {
        switch expression {
        case .parameter(let index):
            return parameters[index]
        case .string(let text):
            return .s(text)
        case .number(let text):
            return .n(try Self.number(text))
        case .boolean(let value):
            return .bool(value)
        case .null:
            return .null
        case .negated(let inner):
            guard let value = try constant(inner) else { return nil }
            guard case .n(let number) = value, let negated = try? DynamoNumber.zero.subtracting(number) else {
                throw DynamoError.validation("Unary minus requires a number")
            }
            return .n(negated)
        case .list(let elements):
            var values: [AttributeValue] = []
            for element in elements {
                guard let value = try constant(element) else { return nil }
                values.append(value)
            }
            return .l(values)
        case .tuple(let members):
            var map: [String: AttributeValue] = [:]
            for member in members {
                guard let value = try constant(member.value) else { return nil }
                if map.updateValue(value, forKey: member.key) != nil {
                    throw DynamoError.validation("Duplicate tuple key: \(member.key)")
                }
            }
            return .m(map)
        case .bag(let elements):
            var values: [AttributeValue] = []
            for element in elements {
                guard let value = try constant(element) else { return nil }
                values.append(value)
            }
            return try Self.set(values)
        default:
            return nil
        }
    }

    /// A value the statement needs constant: a key, an inserted item.
    func requireConstant(_ expression: Expression) throws(DynamoError) -> AttributeValue {
        guard let value = try constant(expression) else {
            throw DynamoError.validation("Only constant values are allowed here")
        }
        return value
    }

    static func number(_ text: String) throws(DynamoError) -> DynamoNumber {
        do {
            return try DynamoNumber(parsing: text)
        } catch {
            throw .validation(error.message(input: text))
        }
    }

    /// `<<...>>`: a string set or a number set, each member once.
    static func set(_ values: [AttributeValue]) throws(DynamoError) -> AttributeValue {
        guard !values.isEmpty else { throw .validation("Empty bags are not supported") }
        var strings: [String] = [], numbers: [DynamoNumber] = []
        for value in values {
            switch value {
            case .s(let s): strings.append(s)
            case .n(let n): numbers.append(n)
            default: strings.removeAll(); numbers.removeAll()
            }
        }
        let set: AttributeValue
        if strings.count == values.count {
            set = .ss(strings)
        } else if numbers.count == values.count {
            set = .ns(numbers)
        } else {
            throw .validation("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags")
        }
        if Set(values).count < values.count {
            let members = strings.isEmpty ? numbers.map(\.text) : strings
            throw .validation("One or more parameter values were invalid: Input collection [\(members.joined(separator: ", "))] contains duplicates.")
        }
        return set
    }
}
