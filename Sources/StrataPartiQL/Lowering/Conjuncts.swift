import StrataModel

/// A WHERE clause as the terms of its top-level AND, from which the key
/// equalities and the sort-key condition are taken out one by one; what
/// remains is the filter or the write's condition.
struct Conjuncts {
    private(set) var remaining: [Expression]
    private let binding: Binding

    init(_ condition: Expression?, binding: Binding) {
        self.binding = binding
        remaining = []
        if let condition { Self.flatten(condition, into: &remaining) }
    }

    private static func flatten(_ expression: Expression, into terms: inout [Expression]) {
        if case .and(let left, let right) = expression {
            flatten(left, into: &terms)
            flatten(right, into: &terms)
        } else {
            terms.append(expression)
        }
    }

    /// Takes out `name = constant` (either way round), returning the constant.
    mutating func takeEquality(of name: String) throws(DynamoError) -> AttributeValue? {
        for (position, term) in remaining.enumerated() {
            guard case .comparison(.equal, let left, let right) = term else { continue }
            let value: AttributeValue?
            if Self.isAttribute(left, name) {
                value = try binding.constant(right)
            } else if Self.isAttribute(right, name) {
                value = try binding.constant(left)
            } else {
                continue
            }
            guard let value else { continue }
            remaining.remove(at: position)
            return value
        }
        return nil
    }

    /// Takes out `key = constant` for a key attribute, whose value must be
    /// of the key's type.
    mutating func takeKeyEquality(of key: KeyAttribute) throws(DynamoError) -> AttributeValue? {
        guard let value = try takeEquality(of: key.name) else { return nil }
        guard key.type.matches(value) else {
            throw .validation("Key attribute's data type should match its data type in table's schema: Key \(key.name)")
        }
        return value
    }

    /// Takes out `key IN [constants]`, or an OR of `key = constant` terms,
    /// returning the values in the order written; a value named twice
    /// is refused, as DynamoDB refuses it.
    mutating func takeAlternatives(of key: KeyAttribute) throws(DynamoError) -> [AttributeValue]? {
        for (position, term) in remaining.enumerated() {
            var values: [AttributeValue] = []
            guard try collectAlternatives(term, of: key.name, into: &values) else { continue }
            remaining.remove(at: position)
            for (index, value) in values.enumerated() {
                guard key.type.matches(value) else {
                    throw .validation("Key attribute's data type should match its data type in table's schema: Key \(key.name)")
                }
                if values[..<index].contains(value) {
                    throw .validation("Overlapping conditions with range keys are not supported in where clause")
                }
            }
            return values
        }
        return nil
    }

    private func collectAlternatives(_ term: Expression, of name: String, into values: inout [AttributeValue]) throws(DynamoError) -> Bool {
        switch term {
        case .in(let tested, let candidates) where Self.isAttribute(tested, name):
            try ExpressionWriter.checkOperandCount(candidates)
            for candidate in candidates {
                guard let value = try binding.constant(candidate) else { return false }
                values.append(value)
            }
            return true
        case .comparison(.equal, let left, let right):
            let constant = Self.isAttribute(left, name) ? right : Self.isAttribute(right, name) ? left : nil
            guard let constant, let value = try binding.constant(constant) else { return false }
            values.append(value)
            return true
        case .or(let left, let right):
            guard try collectAlternatives(left, of: name, into: &values) else { return false }
            return try collectAlternatives(right, of: name, into: &values)
        default:
            return false
        }
    }

    /// Takes out the first term a key condition can express on the sort
    /// key `name` (a comparison, BETWEEN or begins_with with constants),
    /// written as key-condition text.
    mutating func takeSortCondition(of name: String, writer: inout ExpressionWriter) throws(DynamoError) -> String? {
        for (position, term) in remaining.enumerated() {
            var text: String?
            switch term {
            case .comparison(let comparator, let left, let right) where comparator != .notEqual:
                if Self.isAttribute(left, name), let value = try binding.constant(right) {
                    text = "\(writer.name(name)) \(comparator.rawValue) \(writer.value(value))"
                } else if Self.isAttribute(right, name), let value = try binding.constant(left) {
                    text = "\(writer.name(name)) \(Self.mirrored(comparator).rawValue) \(writer.value(value))"
                }
            case .between(let tested, let lower, let upper) where Self.isAttribute(tested, name):
                if let low = try binding.constant(lower), let high = try binding.constant(upper) {
                    text = "\(writer.name(name)) BETWEEN \(writer.value(low)) AND \(writer.value(high))"
                }
            case .call("begins_with", let arguments) where arguments.count == 2 && Self.isAttribute(arguments[0], name):
                if let prefix = try binding.constant(arguments[1]) {
                    text = "begins_with(\(writer.name(name)), \(writer.value(prefix)))"
                }
            default:
                break
            }
            if let text {
                remaining.remove(at: position)
                return text
            }
        }
        return nil
    }

    /// Whether any remaining term reads one of these top-level attributes.
    func mentions(_ names: Set<String>) -> Bool {
        remaining.contains { Self.attributes(of: $0).contains(where: names.contains) }
    }

    /// The remaining terms joined by AND again, if any remain.
    var condition: Expression? {
        guard var result = remaining.first else { return nil }
        for term in remaining.dropFirst() { result = .and(result, term) }
        return result
    }

    private static func isAttribute(_ expression: Expression, _ name: String) -> Bool {
        guard let path = expression.path else { return false }
        return path.isTopLevel && path.name == name
    }

    /// `5 < a` is `a > 5`.
    private static func mirrored(_ comparator: Expression.Comparator) -> Expression.Comparator {
        switch comparator {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        case .equal, .notEqual: comparator
        }
    }

    /// The top-level attribute names an expression reads.
    static func attributes(of expression: Expression) -> [String] {
        switch expression {
        case .path(let path): [path.name]
        case .list(let elements), .bag(let elements), .call(_, let elements): elements.flatMap(attributes(of:))
        case .tuple(let members): members.flatMap { attributes(of: $0.value) }
        case .comparison(_, let left, let right), .and(let left, let right), .or(let left, let right), .arithmetic(_, let left, let right):
            attributes(of: left) + attributes(of: right)
        case .between(let tested, let lower, let upper): attributes(of: tested) + attributes(of: lower) + attributes(of: upper)
        case .in(let tested, let candidates): attributes(of: tested) + candidates.flatMap(attributes(of:))
        case .isMissing(let inner), .isNull(let inner), .not(let inner), .negated(let inner): attributes(of: inner)
        case .parameter, .string, .number, .boolean, .null, .missing: []
        }
    }
}
