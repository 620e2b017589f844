/// A parsed JSON document. Numbers keep their source text so that no
/// precision is lost before a `DynamoNumber` or an integer is made from them.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object that keeps its members in document order. Objects in
/// DynamoDB requests are small, so a linear search beats hashing.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    public subscript(key: String) -> JSONValue? {
        get {
            // The last occurrence wins, as with most JSON deserializers.
            // Lengths first: most members differ in length, which is cheaper to see.
            let length = key.utf8.count
            for member in members.reversed() where member.key.utf8.count == length && member.key == key {
                return member.value
            }
            return nil
        }
        set {
            members.removeAll { $0.key == key }
            if let newValue { members.append((key, newValue)) }
        }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
