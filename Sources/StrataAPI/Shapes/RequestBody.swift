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

    /// Integers arrive as JSON numbers; a fraction is truncated as Java's
    /// deserializer does, and a value too big for 64 bits saturates.
    func int(_ name: String) throws(DynamoError) -> Int? {
        guard let value = value(name) else { return nil }
        return try Self.integer(value)
    }

    static func integer(_ value: JSONValue) throws(DynamoError) -> Int {
        guard case .number(let text) = value else { throw mismatch(value, expected: .integer) }
        if let exact = Int(text) { return exact }
        guard let approximate = Double(text) else { throw mismatch(value, expected: .integer) }
        if approximate >= Double(Int.max) { return Int.max }
        if approximate <= Double(Int.min) { return Int.min }
        return Int(approximate)
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

    func item(_ name: String) throws(DynamoError) -> Item? {
        guard let value = value(name) else { return nil }
        guard case .object = value else { throw Self.mismatch(value, expected: .map) }
        return try Item(itemJSON: value)
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
