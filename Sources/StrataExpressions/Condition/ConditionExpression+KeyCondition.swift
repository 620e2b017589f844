import StrataModel

extension ConditionExpression {
    /// The top-level attributes the condition reads; a Query's filter may
    /// not read key attributes.
    public var attributeNames: Set<String> {
        condition.attributeNames
    }

    /// Turns a resolved KeyConditionExpression (or legacy KeyConditions)
    /// into the partition-key value and sort-key range a Query reads.
    public func keyCondition(schema: KeySchema) throws(DynamoError) -> KeyCondition {
        let conjuncts = condition.conjuncts
        var terms: [(name: String, condition: SortKeyCondition)] = []
        for term in conjuncts {
            terms.append(try Self.keyTerm(term))
        }
        var byName: [String: SortKeyCondition] = [:]
        for term in terms where byName.updateValue(term.condition, forKey: term.name) != nil {
            throw .validation("KeyConditionExpressions must only contain one condition per key")
        }
        if terms.count > 2 {
            throw .validation("Conditions can be of length 1 or 2 only")
        }
        let partitionKey = schema.partitionKey
        guard let partitionTerm = byName.removeValue(forKey: partitionKey.name) else {
            throw .validation("Query condition missed key schema element: \(partitionKey.name)")
        }
        guard case .equal(let partitionValue) = partitionTerm else {
            throw .validation("Query key condition not supported")
        }
        try Self.checkType(partitionValue, partitionKey)
        var result = KeyCondition(partitionKeyName: partitionKey.name, partitionKey: partitionValue)
        guard let (name, sortCondition) = byName.first else { return result }
        guard let sortKey = schema.sortKey else {
            throw .validation("Query key condition not supported")
        }
        guard sortKey.name == name else {
            throw .validation("Query condition missed key schema element: \(sortKey.name)")
        }
        switch sortCondition {
        case .equal(let v), .less(let v), .lessOrEqual(let v), .greater(let v), .greaterOrEqual(let v), .beginsWith(let v):
            try Self.checkType(v, sortKey)
        case .between(let a, let b):
            try Self.checkType(a, sortKey)
            try Self.checkType(b, sortKey)
        }
        result.sortKeyName = name
        result.sortKey = sortCondition
        return result
    }

    private static func checkType(_ value: AttributeValue, _ attribute: KeyAttribute) throws(DynamoError) {
        guard attribute.type.matches(value) else {
            throw .validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
        }
    }

    private static func keyTerm(_ condition: Condition) throws(DynamoError) -> (name: String, condition: SortKeyCondition) {
        switch condition {
        case .comparison(let comparator, let left, let right):
            switch (left, right) {
            case (.path(let path), .constant(let value)):
                return (try keyAttribute(path), try sortCondition(comparator, value))
            case (.constant(let value), .path(let path)):
                return (try keyAttribute(path), try sortCondition(comparator.mirrored, value))
            case (.path, .path):
                throw .validation("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
            case (.constant, .constant):
                throw .validation("Invalid condition in KeyConditionExpression: No key attribute specified")
            default:
                throw .validation("KeyConditionExpressions cannot contain nested operations")
            }
        case .between(.path(let path), .constant(let lower), .constant(let upper)):
            return (try keyAttribute(path), .between(lower, upper))
        case .between:
            throw .validation("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand")
        case .beginsWith(.path(let path), .constant(let prefix)):
            return (try keyAttribute(path), .beginsWith(prefix))
        case .beginsWith:
            throw .validation("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand")
        default:
            throw .validation("Attempted conditional constraint is not an indexable operation")
        }
    }

    private static func keyAttribute(_ path: DocumentPath) throws(DynamoError) -> String {
        guard path.isTopLevel else {
            throw .validation("KeyConditionExpressions cannot have conditions on nested attributes")
        }
        return path.attributeName
    }

    private static func sortCondition(_ comparator: Comparator, _ value: AttributeValue) throws(DynamoError) -> SortKeyCondition {
        switch comparator {
        case .equal: .equal(value)
        case .less: .less(value)
        case .lessOrEqual: .lessOrEqual(value)
        case .greater: .greater(value)
        case .greaterOrEqual: .greaterOrEqual(value)
        case .notEqual: throw .validation("Attempted conditional constraint is not an indexable operation")
        }
    }
}

extension Comparator {
    /// The comparator with its operands swapped: `:v < a` is `a > :v`.
    var mirrored: Comparator {
        switch self {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        case .equal, .notEqual: self
        }
    }
}

extension Condition {
    /// The terms of a top-level AND (or the condition itself).
    var conjuncts: [Condition] {
        if case .and(let terms) = self { return terms.flatMap(\.conjuncts) }
        return [self]
    }

    var attributeNames: Set<String> {
        switch self {
        case .comparison(_, let a, let b), .beginsWith(let a, let b), .contains(let a, let b), .notContains(let a, let b):
            a.attributeNames.union(b.attributeNames)
        case .between(let a, let lower, let upper):
            a.attributeNames.union(lower.attributeNames).union(upper.attributeNames)
        case .in(let a, let list):
            list.reduce(a.attributeNames) { $0.union($1.attributeNames) }
        case .exists(let path), .notExists(let path):
            [path.attributeName]
        case .hasType(let a, _):
            a.attributeNames
        case .and(let terms), .or(let terms):
            terms.reduce(into: Set()) { $0.formUnion($1.attributeNames) }
        case .not(let inner):
            inner.attributeNames
        }
    }
}

extension Operand {
    var attributeNames: Set<String> {
        switch self {
        case .path(let path): [path.attributeName]
        case .constant: []
        case .size(let inner): inner.attributeNames
        case .ifNotExists(let path, let fallback): fallback.attributeNames.union([path.attributeName])
        case .listAppend(let a, let b), .arithmetic(_, let a, let b): a.attributeNames.union(b.attributeNames)
        }
    }
}

/// The legacy KeyConditions parameter of Query.
public enum KeyConditionExpression {
    public static func legacy(_ json: JSONValue, schema: KeySchema) throws(DynamoError) -> KeyCondition {
        // Operators, argument counts and types are checked first, as for filters.
        let expression = try ConditionExpression.legacy(json, conditionalOperator: nil, parameter: .keyConditions)
        return try expression.keyCondition(schema: schema)
    }
}
