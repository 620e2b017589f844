import StrataModel

/// The `ReturnValues` parameter of the write operations.
enum ReturnValuesInput {
    static let all = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]

    /// Whether the old item is to be returned; an operation accepts only some of the values.
    static func returnsOldItem(_ value: String?, allowed: [String]) throws(DynamoError) -> Bool {
        guard let value else { return false }
        guard allowed.contains(value) else {
            throw .validation("ReturnValues can only be \(allowed.reversed().joined(separator: " or "))")
        }
        return value == "ALL_OLD"
    }
}
