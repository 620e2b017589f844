/// DynamoDB's limits on attribute names: 1 to 65535 bytes of UTF-8.
public enum AttributeNames {
    public static let maximumLength = 65535

    public static func check(_ name: String) throws(DynamoError) {
        if let problem = problem(with: name) {
            throw .validation(problem == emptyName ? "One or more parameter values were invalid: \(problem)" : "1 validation error detected: \(problem)")
        }
    }

    static let emptyName = "Empty attribute name"

    /// What is wrong with `name` as an attribute name, if anything.
    public static func problem(with name: String) -> String? {
        let length = name.utf8.count
        if length == 0 { return emptyName }
        if length > maximumLength { return "Attribute name is too large, must be less than 65536 bytes" }
        return nil
    }
}
