import StrataModel

/// What a SELECT's ORDER BY asks: which way the sort key runs, and for a
/// SELECT of several partition-key values, which way those run.
struct Ordering {
    var partitionDescending: Bool?
    var sortDescending = false

    /// ORDER BY may name only the key attributes of what is read, and
    /// needs a WHERE clause.
    init(_ select: SelectSyntax, schema: IndexKeySchema) throws(DynamoError) {
        guard !select.orderBy.isEmpty else { return }
        guard select.condition != nil else {
            throw .validation("Must have WHERE clause in the statement when using ORDER BY clause.")
        }
        for ordering in select.orderBy {
            let name = ordering.path.name
            if ordering.path.isTopLevel, schema.partitionKeys.contains(where: { $0.name == name }) {
                partitionDescending = ordering.descending
            } else if ordering.path.isTopLevel, schema.sortKeys.first?.name == name {
                sortDescending = ordering.descending
            } else {
                throw .validation("Attribute \(name) in ORDER BY clause must be part of the primary key")
            }
        }
    }
}

/// The order of key values: strings by their UTF-8 bytes, numbers by
/// value, binaries by their bytes.
enum KeyOrder {
    static func precedes(_ left: AttributeValue, _ right: AttributeValue) -> Bool {
        switch (left, right) {
        case (.s(let a), .s(let b)): a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.n(let a), .n(let b)): a < b
        case (.b(let a), .b(let b)): a.lexicographicallyPrecedes(b)
        default: false
        }
    }
}
