import StrataModel

/// `TransactItems` of TransactWriteItems and TransactGetItems: a list of
/// 1 to 100 structures.
enum TransactItemsInput {
    static let maximumActions = 100

    /// The elements, type-checked; a missing or wrongly sized list is added
    /// to `violations`. `elementType` is the element's shape name, which
    /// DynamoDB prints (as Java object names) when the list is too long.
    static func decode(
        _ request: RequestBody, elementType: String, into violations: inout ConstraintViolations
    ) throws(DynamoError) -> [RequestBody] {
        guard let elements = try request.objects("TransactItems") else {
            violations.requireNonNull(nil as Int?, at: "transactItems")
            return []
        }
        if elements.isEmpty {
            violations.add("'[]'", at: "transactItems", "Member must have length greater than or equal to 1")
        } else if elements.count > maximumActions {
            let rendered = elements.indices.map { index in
                "com.amazonaws.dynamodb.v20120810.\(elementType)@\(String(UInt32(truncatingIfNeeded: (index + 1) &* 0x9E37_79B1), radix: 16))"
            }
            violations.add("'[\(rendered.joined(separator: ", "))]'", at: "transactItems", "Member must have length less than or equal to \(maximumActions)")
        }
        return elements
    }
}
