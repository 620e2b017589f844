/// DynamoDB's messages for an empty string or binary where a key value
/// goes: a table's key, or a global or local index's.
public enum EmptyKeyValue {
    /// A table key attribute: `<prefix> The AttributeValue ... Key: pk`.
    /// The prefix depends on the operation ("are not valid." for items and
    /// key conditions, "were invalid:" for a Key parameter).
    public static func tableKey(_ value: AttributeValue, attribute: String, prefix: String = "One or more parameter values are not valid.") -> String {
        "\(prefix) The AttributeValue for a key attribute cannot contain an empty \(kind(value)) value. Key: \(attribute)"
    }

    /// An index key attribute, as a put or a key condition meets it.
    public static func indexKey(_ value: AttributeValue, attribute: String, index: String) -> String {
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty \(kind(value)) value. IndexName: \(index), IndexKey: \(attribute)"
    }

    /// An index key attribute that an update would empty.
    public static func updatedIndexKey(_ value: AttributeValue) -> String {
        "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty \(kind(value)) value."
    }

    private static func kind(_ value: AttributeValue) -> String {
        value.typeName == "S" ? "string" : "binary"
    }
}
