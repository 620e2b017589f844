import StrataModel

/// Reading the raw JSON of the legacy parameters. A member of the wrong JSON
/// type is a serialization error, as DynamoDB's deserializer reports it.
enum LegacyJSON {
    static func members(_ json: JSONValue) throws(DynamoError) -> [(key: String, value: JSONValue)] {
        guard case .object(let object) = json else { throw wrongType }
        return object.members
    }

    static func string(_ json: JSONValue) throws(DynamoError) -> String {
        guard case .string(let text) = json else { throw wrongType }
        return text
    }

    static func array(_ json: JSONValue) throws(DynamoError) -> [JSONValue] {
        guard case .array(let elements) = json else { throw wrongType }
        return elements
    }

    static func bool(_ json: JSONValue) throws(DynamoError) -> Bool {
        guard case .bool(let value) = json else { throw wrongType }
        return value
    }

    private static let wrongType = DynamoError.serialization("Unexpected value type in payload")

    static func invalidParameter(_ detail: String) -> DynamoError {
        .validation("One or more parameter values were invalid: \(detail)")
    }
}
