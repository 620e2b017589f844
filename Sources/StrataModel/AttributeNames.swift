/// DynamoDB's limits on attribute names: 1 to 65535 bytes of UTF-8.
public enum AttributeNames {
    public static let maximumLength = 65535

    public static func check(_ name: String) throws(DynamoError) {
        let length = name.utf8.count
        if length == 0 {
            throw .validation("One or more parameter values were invalid: Empty attribute name")
        }
        if length > maximumLength {
            throw .validation("1 validation error detected: Attribute name is too large, must be less than 65536 bytes")
        }
    }
}
