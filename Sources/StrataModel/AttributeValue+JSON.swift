/// The AttributeValue wire codec: `{"S": "..."}`, `{"N": "..."}`, ...
/// Decoding applies DynamoDB's rules for a well-formed value.
extension AttributeValue {
    /// DynamoDB's limit on nesting: the item is level 1 and each map or list adds one.
    public static let maximumNestingLevel = 32

    public init(json: JSONValue) throws(DynamoError) {
        try self.init(json: json, level: 2)
    }

    /// `level` is the nesting level this value would occupy if it is a map or list.
    init(json: JSONValue, level: Int) throws(DynamoError) {
        guard case .object(let object) = json else {
            throw SerializationMismatch.error(json, expected: .attributeValue)
        }
        var found: AttributeValue?
        for member in object.members {
            let decoded: AttributeValue
            switch member.key {
            case "S": decoded = .s(try Self.string(member.value))
            case "N": decoded = .n(try Self.number(member.value))
            case "B": decoded = .b(try Self.binary(member.value))
            case "BOOL":
                guard case .bool(let b) = member.value else { throw SerializationMismatch.error(member.value, expected: .boolean) }
                decoded = .bool(b)
            case "NULL":
                guard case .bool(let b) = member.value else { throw SerializationMismatch.error(member.value, expected: .boolean) }
                guard b else {
                    throw .validation("One or more parameter values were invalid: Null attribute value types must have the value of true")
                }
                decoded = .null
            case "M":
                guard case .object(let map) = member.value else { throw SerializationMismatch.error(member.value, expected: .map) }
                try Self.checkNesting(level)
                var result: [String: AttributeValue] = [:]
                result.reserveCapacity(map.count)
                for entry in map.members { result[entry.key] = try AttributeValue(json: entry.value, level: level + 1) }
                decoded = .m(result)
            case "L":
                guard case .array(let list) = member.value else { throw SerializationMismatch.error(member.value, expected: .list) }
                try Self.checkNesting(level)
                var result: [AttributeValue] = []
                result.reserveCapacity(list.count)
                for element in list { result.append(try AttributeValue(json: element, level: level + 1)) }
                decoded = .l(result)
            case "SS":
                let members = try Self.setMembers(member.value) { v throws(DynamoError) in try Self.string(v) }
                guard !members.isEmpty else {
                    throw .validation("One or more parameter values were invalid: An string set  may not be empty")
                }
                try Self.rejectDuplicates(members, described: members)
                decoded = .ss(members)
            case "NS":
                let members = try Self.setMembers(member.value) { v throws(DynamoError) in try Self.number(v) }
                guard !members.isEmpty else {
                    throw .validation("One or more parameter values were invalid: An number set  may not be empty")
                }
                try Self.rejectDuplicates(members, described: Self.rawSetTexts(member.value))
                decoded = .ns(members)
            case "BS":
                let members = try Self.setMembers(member.value) { v throws(DynamoError) in try Self.binary(v) }
                guard !members.isEmpty else {
                    throw .validation("One or more parameter values were invalid: Binary sets should not be empty")
                }
                try Self.rejectDuplicates(members, described: Self.rawSetTexts(member.value))
                decoded = .bs(members)
            default:
                // Unknown members are ignored, as DynamoDB's deserializer does.
                continue
            }
            if found != nil {
                throw .validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
            }
            found = decoded
        }
        guard let found else {
            throw .validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        }
        self = found
    }

    private static func checkNesting(_ level: Int) throws(DynamoError) {
        if level > maximumNestingLevel {
            throw .validation(
                "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")
        }
    }

    private static func string(_ value: JSONValue) throws(DynamoError) -> String {
        guard case .string(let s) = value else { throw SerializationMismatch.error(value, expected: .string) }
        return s
    }

    private static func number(_ value: JSONValue) throws(DynamoError) -> DynamoNumber {
        guard case .string(let text) = value else { throw SerializationMismatch.error(value, expected: .string) }
        do {
            return try DynamoNumber(parsing: text)
        } catch {
            throw .validation(error.message(input: text))
        }
    }

    private static func binary(_ value: JSONValue) throws(DynamoError) -> [UInt8] {
        guard case .string(let text) = value else { throw SerializationMismatch.error(value, expected: .blob) }
        guard text.utf8.count % 4 == 0 else {
            throw .serialization("Base64 encoded length is expected a multiple of 4 bytes but found: \(text.utf8.count)")
        }
        guard let bytes = Base64.decode(text) else {
            throw .serialization("Invalid last non-pad Base64 character dectected")
        }
        return bytes
    }

    private static func setMembers<T>(
        _ value: JSONValue, _ decode: (JSONValue) throws(DynamoError) -> T
    ) throws(DynamoError) -> [T] {
        guard case .array(let elements) = value else { throw SerializationMismatch.error(value, expected: .list) }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for element in elements { result.append(try decode(element)) }
        return result
    }

    private static func rawSetTexts(_ value: JSONValue) -> [String] {
        guard case .array(let elements) = value else { return [] }
        return elements.map { if case .string(let s) = $0 { s } else { "" } }
    }

    private static func rejectDuplicates<T: Hashable>(_ members: [T], described texts: [String]) throws(DynamoError) {
        var seen = Set<T>()
        seen.reserveCapacity(members.count)
        for member in members where !seen.insert(member).inserted {
            throw .validation("One or more parameter values were invalid: Input collection [\(texts.joined(separator: ", "))] contains duplicates.")
        }
    }
}

extension Dictionary where Key == String, Value == AttributeValue {
    /// Decodes an item (a JSON object of attribute values).
    public init(itemJSON json: JSONValue) throws(DynamoError) {
        guard case .object(let object) = json else {
            throw SerializationMismatch.error(json, expected: .map)
        }
        var item: [String: AttributeValue] = [:]
        item.reserveCapacity(object.count)
        for member in object.members {
            try AttributeNames.check(member.key)
            item[member.key] = try AttributeValue(json: member.value)
        }
        self = item
    }
}

extension JSONWriter {
    public mutating func attributeValue(_ value: AttributeValue) {
        switch value {
        case .s(let s):
            raw("{\"S\":")
            string(s)
        case .n(let n):
            raw("{\"N\":")
            string(n.text)
        case .b(let b):
            raw("{\"B\":")
            base64(b)
        case .bool(let b):
            raw("{\"BOOL\":")
            bool(b)
        case .null:
            raw("{\"NULL\":true")
        case .m(let map):
            raw("{\"M\":")
            item(map)
        case .l(let list):
            raw("{\"L\":[")
            for (i, element) in list.enumerated() {
                if i > 0 { raw(",") }
                attributeValue(element)
            }
            raw("]")
        case .ss(let set):
            raw("{\"SS\":[")
            for (i, member) in set.enumerated() {
                if i > 0 { raw(",") }
                string(member)
            }
            raw("]")
        case .ns(let set):
            raw("{\"NS\":[")
            for (i, member) in set.enumerated() {
                if i > 0 { raw(",") }
                string(member.text)
            }
            raw("]")
        case .bs(let set):
            raw("{\"BS\":[")
            for (i, member) in set.enumerated() {
                if i > 0 { raw(",") }
                base64(member)
            }
            raw("]")
        }
        raw("}")
    }

    public mutating func item(_ item: Item) {
        raw("{")
        var first = true
        for (name, value) in item {
            if !first { raw(",") }
            first = false
            string(name)
            raw(":")
            attributeValue(value)
        }
        raw("}")
    }

    private mutating func base64(_ bytes: [UInt8]) {
        var encoded: [UInt8] = [UInt8(ascii: "\"")]
        Base64.encode(bytes, into: &encoded)
        encoded.append(UInt8(ascii: "\""))
        rawBytes(encoded)
    }
}

extension AttributeValue {
    /// The value in its wire form, as a JSON tree: what a request built
    /// inside the server (a lowered PartiQL statement) carries.
    public var jsonValue: JSONValue {
        let member: (String, JSONValue)
        switch self {
        case .s(let s): member = ("S", .string(s))
        case .n(let n): member = ("N", .string(n.text))
        case .b(let b): member = ("B", .string(Base64.encode(b)))
        case .bool(let b): member = ("BOOL", .bool(b))
        case .null: member = ("NULL", .bool(true))
        case .m(let map): member = ("M", .object(JSONObject(map.map { ($0.key, $0.value.jsonValue) })))
        case .l(let list): member = ("L", .array(list.map(\.jsonValue)))
        case .ss(let set): member = ("SS", .array(set.map { .string($0) }))
        case .ns(let set): member = ("NS", .array(set.map { .string($0.text) }))
        case .bs(let set): member = ("BS", .array(set.map { .string(Base64.encode($0)) }))
        }
        return .object(JSONObject([member]))
    }
}

extension Item {
    /// The item as a JSON object of wire-form values.
    public var jsonValue: JSONValue {
        .object(JSONObject(map { ($0.key, $0.value.jsonValue) }))
    }
}
