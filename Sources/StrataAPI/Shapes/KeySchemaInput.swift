import StrataModel

/// The `KeySchema` and `AttributeDefinitions` parameters of CreateTable.
enum KeySchemaInput {
    struct Element {
        var name: String
        var keyType: String
    }

    /// `maximumElements`: 2 for a table or a local index; a global index
    /// has no bound in the shape (multi-attribute keys), only in its checks.
    static func decode(
        _ elements: [RequestBody]?, at path: String, maximumElements: Int? = 2, into violations: inout ConstraintViolations
    ) throws(DynamoError) -> [Element]? {
        guard let elements else {
            violations.requireNonNull(nil, at: path)
            return nil
        }
        if elements.isEmpty {
            violations.add("[]", at: path, "Member must have length greater than or equal to 1")
        } else if let maximumElements, elements.count > maximumElements {
            violations.add("'\(describe(elements))'", at: path, "Member must have length less than or equal to 2")
        }
        var result: [Element] = []
        for (index, element) in elements.enumerated() {
            let name = try element.string("AttributeName")
            let keyType = try element.string("KeyType")
            let memberPath = "\(path).\(index + 1).member"
            violations.checkAttributeName(name, at: "\(memberPath).attributeName")
            if keyType == nil {
                violations.requireNonNull(nil, at: "\(memberPath).keyType")
            }
            violations.checkEnum(keyType, at: "\(memberPath).keyType", allowed: ["HASH", "RANGE"])
            if let name, let keyType { result.append(Element(name: name, keyType: keyType)) }
        }
        return result.count == elements.count ? result : nil
    }

    private static func describe(_ elements: [RequestBody]) -> String {
        "[" + elements.map { element in
            let name = (try? element.string("AttributeName")) ?? nil
            let type = (try? element.string("KeyType")) ?? nil
            return "KeySchemaElement(attributeName=\(name ?? "null"), keyType=\(type ?? "null"))"
        }.joined(separator: ", ") + "]"
    }

    /// Checks the key schema against the attribute definitions, in
    /// DynamoDB's order; with indexes, the definitions are checked once
    /// the indexes are (`SecondaryIndexInput`).
    static func resolve(_ elements: [Element], definitions: [KeyAttribute], hasIndexes: Bool = false) throws(DynamoError) -> KeySchema {
        for element in elements where !definitions.contains(where: { $0.name == element.name }) {
            if elements.count == 1 && !definitions.isEmpty {
                throw .validation(
                    "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [\(elements.map(\.name).joined(separator: ", "))], AttributeDefinitions: [\(definitions.map(\.name).joined(separator: ", "))]")
            }
            throw .validation("Invalid KeySchema: Some index key attribute have no definition")
        }
        // A table's key naming one attribute twice: AWS reports it this way
        // (nubo-db/dynamodb-conformance, CreateTable, run against AWS in 2026);
        // an index's key gets the "same name" message of checkHashThenRange.
        if elements.count == 2 && elements[0].name == elements[1].name {
            throw .validation("Invalid KeySchema: Some index key attribute have no definition")
        }
        try checkHashThenRange(elements)
        if hasIndexes { return attributes(elements, definitions) }
        try checkNoDuplicates(definitions)
        guard definitions.count == elements.count else {
            throw .validation(
                "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
        }
        return attributes(elements, definitions)
    }

    /// A table's or local index's key: a HASH element, then at most one
    /// RANGE element of another name.
    static func checkHashThenRange(_ elements: [Element]) throws(DynamoError) {
        if elements.count == 2 && elements[0].name == elements[1].name {
            throw .validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
        }
        guard elements[0].keyType == "HASH" else {
            throw .validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
        }
        if elements.count == 2 && elements[1].keyType != "RANGE" {
            throw .validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        }
    }

    static func checkNoDuplicates(_ definitions: [KeyAttribute]) throws(DynamoError) {
        var seen = Set<String>()
        for definition in definitions where !seen.insert(definition.name).inserted {
            throw .validation("Attribute Name is duplicated: \(definition.name)")
        }
    }

    private static func attributes(_ elements: [Element], _ definitions: [KeyAttribute]) -> KeySchema {
        let attributes = elements.map { element in definitions.first { $0.name == element.name }! }
        return KeySchema(partitionKey: attributes[0], sortKey: attributes.count > 1 ? attributes[1] : nil)
    }
}

enum AttributeDefinitionsInput {
    static func decode(_ elements: [RequestBody]?, into violations: inout ConstraintViolations) throws(DynamoError) -> [KeyAttribute]? {
        guard let elements else {
            violations.requireNonNull(nil, at: "attributeDefinitions")
            return nil
        }
        var result: [KeyAttribute] = []
        for (index, element) in elements.enumerated() {
            let name = try element.string("AttributeName")
            let type = try element.string("AttributeType")
            let memberPath = "attributeDefinitions.\(index + 1).member"
            if let name {
                if name.utf8.count > 255 {
                    violations.add("'\(name)'", at: "\(memberPath).attributeName", "Member must have length less than or equal to 255")
                }
            } else {
                violations.requireNonNull(nil, at: "\(memberPath).attributeName")
            }
            if type == nil { violations.requireNonNull(nil, at: "\(memberPath).attributeType") }
            violations.checkEnum(type, at: "\(memberPath).attributeType", allowed: ["B", "N", "S"])
            if let name, let type, let scalar = ScalarAttributeType(rawValue: type) {
                result.append(KeyAttribute(name: name, type: scalar))
            }
        }
        return result.count == elements.count ? result : nil
    }
}
