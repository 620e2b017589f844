/// DynamoDB's checks of the values a write puts into index keys: the item
/// as it will be stored must hold, in every key attribute of every index
/// that it holds at all, a non-empty value of the declared type within the
/// key size limits. A missing attribute is no error: the item is simply
/// not in that index.
public enum IndexKeyCheck {
    /// Where the item comes from: the messages for empty values differ.
    public enum Origin: Sendable {
        /// PutItem, a BatchWriteItem put, a transaction's Put.
        case put
        /// UpdateItem or a transaction's Update: the new image.
        case update
    }

    /// What is wrong, split as transactions report it: an empty value
    /// cancels the whole request with a ValidationException, anything
    /// else is the action's ValidationError reason.
    public enum Violation: Sendable, Equatable {
        case empty(String)
        case invalid(String)

        public var message: String {
            switch self {
            case .empty(let m), .invalid(let m): m
            }
        }

        public var error: DynamoError { .validation(message) }
    }

    /// Throws the first violation as a ValidationException.
    public static func check(_ item: Item, table: TableDefinition, origin: Origin) throws(DynamoError) {
        if let violation = violation(in: item, table: table, origin: origin) { throw violation.error }
    }

    /// The first violation, looking at indexes in name order (DynamoDB
    /// names the alphabetically first index that has the attribute).
    public static func violation(in item: Item, table: TableDefinition, origin: Origin) -> Violation? {
        // A global index on its way out constrains nothing any more.
        let indexes = table.indexes.filter { $0.status != .deleting }
        guard !indexes.isEmpty else { return nil }
        for index in indexes.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            for (role, attributes) in [(KeyRole.partition, index.keySchema.partitionKeys), (.sort, index.keySchema.sortKeys)] {
                for attribute in attributes {
                    guard let value = item[attribute.name] else { continue }
                    if let violation = check(value, of: attribute, role: role, index: index.name, origin: origin) {
                        return violation
                    }
                }
            }
        }
        return nil
    }

    private enum KeyRole {
        case partition
        case sort
    }

    private static func check(
        _ value: AttributeValue, of attribute: KeyAttribute, role: KeyRole, index: String, origin: Origin
    ) -> Violation? {
        if attribute.type.matches(value), value.isEmptyKeyValue {
            switch origin {
            case .put: return .empty(EmptyKeyValue.indexKey(value, attribute: attribute.name, index: index))
            case .update: return .empty(EmptyKeyValue.updatedIndexKey(value))
            }
        }
        guard attribute.type.matches(value) else {
            return .invalid(
                "One or more parameter values were invalid: Type mismatch for Index Key \(attribute.name) Expected: \(attribute.type.rawValue) Actual: \(value.typeName) IndexName: \(index)")
        }
        let limit = role == .partition ? KeyLimits.maximumPartitionKeyBytes : KeyLimits.maximumSortKeyBytes
        if value.size > limit {
            return .invalid(
                "One or more parameter values were invalid: Size limit exceeded for Index Key \(attribute.name) Actual Size: \(value.size) bytes Max Size: \(limit) bytes IndexName: \(index)")
        }
        return nil
    }
}
