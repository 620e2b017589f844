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
        let condition = try keyCondition(index: IndexKeySchema(schema))
        return KeyCondition(
            partitionKeyName: schema.partitionKey.name, partitionKey: condition.partition[0],
            sortKeyName: condition.sortCondition == nil ? nil : schema.sortKey?.name, sortKey: condition.sortCondition)
    }

    /// The same for an index's key, which may have several attributes in
    /// each role: equality on every partition-key attribute, equality on
    /// the first sort-key attributes, and at most one condition of any kind
    /// on the sort-key attribute after those.
    /// `indexName` names the index in DynamoDB's messages.
    public func keyCondition(index schema: IndexKeySchema, indexName: String? = nil) throws(DynamoError) -> IndexKeyCondition {
        var byName: [String: SortKeyCondition] = [:]
        let terms = try condition.conjuncts.map { term throws(DynamoError) in try Self.keyTerm(term) }
        for term in terms where byName.updateValue(term.condition, forKey: term.name) != nil {
            throw .validation("KeyConditionExpressions must only contain one condition per key")
        }
        let multiAttribute = schema.partitionKeys.count > 1 || schema.sortKeys.count > 1
        if terms.count > 2, !multiAttribute {
            throw .validation("Conditions can be of length 1 or 2 only")
        }
        var partition: [AttributeValue] = []
        for attribute in schema.partitionKeys {
            let term = byName.removeValue(forKey: attribute.name)
            guard case .equal(let value)? = term else {
                if schema.partitionKeys.count > 1 {
                    throw .validation("HASH key attributes \(attribute.name) must have equality conditions specified in the query")
                }
                throw .validation(term == nil ? "Query condition missed key schema element: \(attribute.name)" : "Query key condition not supported")
            }
            partition.append(value)
        }
        var result = IndexKeyCondition(partition: partition)
        guard !byName.isEmpty else {
            try Self.checkValues(terms, schema: schema, indexName: indexName)
            return result
        }
        if byName.keys.contains(where: { name in !schema.sortKeys.contains { $0.name == name } }) {
            if schema.sortKeys.count == 1 {
                throw .validation("Query condition missed key schema element: \(schema.sortKeys[0].name)")
            }
            throw .validation("Query key condition not supported")
        }
        let last = schema.sortKeys.lastIndex { byName[$0.name] != nil }!
        for (position, attribute) in schema.sortKeys.enumerated() where position < last {
            guard case .equal(let value)? = byName[attribute.name] else {
                throw .validation(
                    "RANGE key attributes \(attribute.name) must have equality conditions specified in the query because a condition is present on key attribute \(schema.sortKeys[last].name)")
            }
            result.sortEqualities.append(value)
        }
        result.sortCondition = byName[schema.sortKeys[last].name]!
        try Self.checkValues(terms, schema: schema, indexName: indexName)
        return result
    }

    /// Once every term names a key attribute in a usable way: no value of
    /// its key's type may be an empty string or binary, and then every value
    /// must be of its key's type.
    private static func checkValues(
        _ terms: [(name: String, condition: SortKeyCondition)], schema: IndexKeySchema, indexName: String?
    ) throws(DynamoError) {
        let keyed = terms.compactMap { term in
            (schema.partitionKeys + schema.sortKeys).first { $0.name == term.name }.map { (attribute: $0, values: term.condition.operands) }
        }
        for (attribute, values) in keyed {
            for value in values where attribute.type.matches(value) && value.isEmptyKeyValue {
                throw emptyKeyValue(value, attribute: attribute.name, indexName: indexName)
            }
        }
        for (attribute, values) in keyed {
            for value in values { try checkType(value, attribute) }
        }
    }

    private static func emptyKeyValue(_ value: AttributeValue, attribute: String, indexName: String?) -> DynamoError {
        .validation(indexName.map { EmptyKeyValue.indexKey(value, attribute: attribute, index: $0) }
            ?? EmptyKeyValue.tableKey(value, attribute: attribute))
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
        try parse(json).keyCondition(schema: schema)
    }

    public static func legacy(_ json: JSONValue, index schema: IndexKeySchema, indexName: String? = nil) throws(DynamoError) -> IndexKeyCondition {
        try parse(json).keyCondition(index: schema, indexName: indexName)
    }

    /// Operators, argument counts and types are checked first, as for filters.
    private static func parse(_ json: JSONValue) throws(DynamoError) -> ConditionExpression {
        try ConditionExpression.legacy(json, conditionalOperator: nil, parameter: .keyConditions)
    }
}
