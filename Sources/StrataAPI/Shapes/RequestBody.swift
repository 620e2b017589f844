import StrataModel

/// A request's JSON body with typed accessors. A member of the wrong JSON
/// type is a `SerializationException`, as in DynamoDB's deserializer; a
/// missing member is nil (validation decides whether that is allowed).
struct RequestBody {
    let object: JSONObject

    init(_ object: JSONObject) {
        self.object = object
    }

    static func parse(_ bytes: [UInt8]) throws(DynamoError) -> RequestBody {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            // DynamoDB answers malformed JSON with no message at all.
            throw .serialization("")
        }
        guard case .object(let object) = json else {
            throw .serialization("Request content must be a JSON object")
        }
        return RequestBody(object)
    }

    static func mismatch(_ value: JSONValue, expected: SerializationMismatch.Expected) -> DynamoError {
        SerializationMismatch.error(value, expected: expected)
    }

    func value(_ name: String) -> JSONValue? {
        guard let value = object[name], value != .null else { return nil }
        return value
    }

    func string(_ name: String) throws(DynamoError) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let s) = value else { throw Self.mismatch(value, expected: .string) }
        return s
    }

    func bool(_ name: String) throws(DynamoError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard case .bool(let b) = value else { throw Self.mismatch(value, expected: .boolean) }
        return b
    }

    /// An `Integer` member: a JSON number with neither fraction nor
    /// exponent, within 32 bits. Anything else is a SerializationException,
    /// as in DynamoDB's deserializer; whether the value is in the member's
    /// range is validation's concern.
    func integer(_ name: String) throws(DynamoError) -> Int? {
        guard let value = value(name) else { return nil }
        return try Self.whole(value, as: .integer)
    }

    /// A `Long` member: the same, within 64 bits.
    func long(_ name: String) throws(DynamoError) -> Int? {
        guard let value = value(name) else { return nil }
        return try Self.whole(value, as: .long)
    }

    /// A `Timestamp` member: seconds since 1970, as a JSON number.
    func timestamp(_ name: String) throws(DynamoError) -> Double? {
        guard let value = value(name) else { return nil }
        guard case .number(let text) = value, let seconds = Double(text) else { throw Self.mismatch(value, expected: .timestamp) }
        return seconds
    }

    static func whole(_ value: JSONValue, as expected: SerializationMismatch.Expected) throws(DynamoError) -> Int {
        // `Int(_:)` takes only an optional sign and digits, and refuses what overflows 64 bits.
        guard case .number(let text) = value, let number = Int(text) else { throw mismatch(value, expected: expected) }
        if expected == .integer, Int32(exactly: number) == nil { throw mismatch(value, expected: expected) }
        return number
    }

    func object(_ name: String) throws(DynamoError) -> RequestBody? {
        guard let value = value(name) else { return nil }
        guard case .object(let o) = value else { throw Self.mismatch(value, expected: .structure) }
        return RequestBody(o)
    }

    func array(_ name: String) throws(DynamoError) -> [JSONValue]? {
        guard let value = value(name) else { return nil }
        guard case .array(let a) = value else { throw Self.mismatch(value, expected: .list) }
        return a
    }

    /// A list of structures.
    func objects(_ name: String) throws(DynamoError) -> [RequestBody]? {
        guard let elements = try array(name) else { return nil }
        var result: [RequestBody] = []
        for element in elements {
            guard case .object(let o) = element else { throw Self.mismatch(element, expected: .structure) }
            result.append(RequestBody(o))
        }
        return result
    }

    /// A list of strings.
    func strings(_ name: String) throws(DynamoError) -> [String]? {
        guard let elements = try array(name) else { return nil }
        var result: [String] = []
        for element in elements {
            guard case .string(let s) = element else { throw Self.mismatch(element, expected: .string) }
            result.append(s)
        }
        return result
    }

    func item(_ name: String) throws(DynamoError) -> Item? {
        guard let value = value(name) else { return nil }
        guard case .object = value else { throw Self.mismatch(value, expected: .map) }
        return try Item(itemJSON: value)
    }

    /// An item whose values' own mistakes (an empty set, a number that does
    /// not parse) wait until the request's member constraints are checked:
    /// DynamoDB reports a table name that is too short before a malformed
    /// attribute value. A member of the wrong JSON type is still reported at
    /// once, as a SerializationException.
    func itemCheckedLater(_ name: String) throws(DynamoError) -> Result<Item?, DynamoError> {
        do {
            return .success(try item(name))
        } catch .validation(let message) {
            return .failure(.validation(message))
        } catch {
            throw error
        }
    }

    func stringMap(_ name: String) throws(DynamoError) -> [String: String]? {
        guard let value = value(name) else { return nil }
        guard case .object(let o) = value else { throw Self.mismatch(value, expected: .map) }
        var result: [String: String] = [:]
        for member in o.members {
            guard case .string(let s) = member.value else { throw Self.mismatch(member.value, expected: .string) }
            result[member.key] = s
        }
        return result
    }
}
