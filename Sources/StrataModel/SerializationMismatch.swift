/// DynamoDB's `SerializationException` messages for a JSON value of the
/// wrong kind. They name the Java types of DynamoDB's own deserializer.
public enum SerializationMismatch {
    public enum Expected {
        case string
        case integer
        case long
        case boolean
        case blob
        case attributeValue
        case structure
        case list
        case map
        case timestamp

        var javaName: String {
            switch self {
            case .string: "String"
            case .integer: "Integer"
            case .long: "Long"
            case .boolean: "Boolean"
            case .blob: "Blob"
            case .attributeValue: "AttributeValue"
            case .structure, .map: "Map"
            case .list: "List"
            case .timestamp: "Date"
            }
        }
    }

    public static func error(_ value: JSONValue, expected: Expected) -> DynamoError {
        .serialization(message(value, expected: expected))
    }

    static func message(_ value: JSONValue, expected: Expected) -> String {
        switch expected {
        case .blob:
            return "only base-64-encoded strings are convertible to bytes"
        case .attributeValue:
            if case .array = value {
                return "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"
            }
            return "Unexpected value type in payload"
        case .map:
            if case .array = value {
                return "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"
            }
            return "Unexpected value type in payload"
        case .list:
            if case .object = value { return "Start of structure or map found where not expected" }
            return "Unexpected field type"
        case .structure:
            if case .array = value { return "Start of list found where not expected" }
            return "Unexpected value type in payload"
        case .string, .integer, .long, .boolean, .timestamp:
            switch value {
            case .object: return "Start of structure or map found where not expected"
            case .array: return "Unrecognized collection type class java.lang.\(expected.javaName)"
            case .string:
                return expected == .boolean ? "Unexpected token received from parser" : "STRING_VALUE cannot be converted to \(expected.javaName)"
            case .number(let text):
                let isDecimal = text.contains { $0 == "." || $0 == "e" || $0 == "E" }
                return "\(isDecimal ? "DECIMAL_VALUE" : "NUMBER_VALUE") cannot be converted to \(expected.javaName)"
            case .bool(let b): return "\(b ? "TRUE_VALUE" : "FALSE_VALUE") cannot be converted to \(expected.javaName)"
            case .null: return "Unexpected value type in payload"
            }
        }
    }
}
