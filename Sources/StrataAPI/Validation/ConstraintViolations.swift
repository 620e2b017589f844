import StrataModel

/// Collects violations of the API's declared member constraints and reports
/// them all at once, in DynamoDB's form:
/// `2 validation errors detected: Value ... at 'tableName' failed to satisfy constraint: ...; ...`
struct ConstraintViolations {
    private(set) var messages: [String] = []

    mutating func add(_ value: String, at path: String, _ constraint: String) {
        messages.append("Value \(value) at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    /// The form AWS uses for some members, with no value and the member's
    /// own capitalisation: `Value at 'Limit' failed to satisfy constraint: ...`.
    mutating func addWithoutValue(at path: String, _ constraint: String) {
        messages.append("Value at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    mutating func requireNonNull(_ value: Any?, at path: String) {
        if value == nil { add("null", at: path, "Member must not be null") }
    }

    /// The rules every table name (and index name) follows.
    /// A table's name, or its ARN (up to 1024 characters). Outside
    /// CreateTable the member may hold an ARN, so an empty name breaks its
    /// "at least 1" (nubo-db/dynamodb-conformance, PutItem, checked against
    /// AWS in 2026); a name of 1 or 2 characters still breaks a name's
    /// "at least 3" (ScyllaDB's test_item.py, PutItem of 'xx').
    mutating func checkTableName(_ name: String?, at path: String = "tableName", creating: Bool = false) {
        guard let name else {
            requireNonNull(name, at: path)
            return
        }
        if TableReference.isARN(name) {
            checkLength(name, at: path, 1...TableReference.maximumLength)
            if TableReference.name(inARN: name) == nil {
                add("'\(name)'", at: path, "Member must be a table name or a table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)")
            }
        } else {
            checkName(name, at: path, minimumLength: name.isEmpty && !creating ? 1 : 3, maximumLength: 255)
        }
    }

    mutating func checkName(_ name: String, at path: String, minimumLength: Int = 3, maximumLength: Int) {
        if !name.utf8.allSatisfy(Self.isNameCharacter) {
            add("'\(name)'", at: path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        }
        let length = name.count
        if length < minimumLength {
            add("'\(name)'", at: path, "Member must have length greater than or equal to \(minimumLength)")
        }
        if length > maximumLength {
            add("'\(name)'", at: path, "Member must have length less than or equal to \(maximumLength)")
        }
    }

    private static func isNameCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// An attribute name member: present, 1 to 255 bytes.
    mutating func checkAttributeName(_ name: String?, at path: String) {
        guard let name else { return requireNonNull(nil, at: path) }
        if name.utf8.count > 255 {
            add("'\(name)'", at: path, "Member must have length less than or equal to 255")
        } else if name.isEmpty {
            add("''", at: path, "Member must have length greater than or equal to 1")
        }
    }

    mutating func checkEnum(_ value: String?, at path: String, allowed: [String]) {
        guard let value, !allowed.contains(value) else { return }
        add("'\(value)'", at: path, "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }

    /// A string member of `bounds` characters, if present.
    mutating func checkLength(_ value: String?, at path: String, _ bounds: ClosedRange<Int>) {
        guard let value else { return }
        if value.count < bounds.lowerBound {
            add("'\(value)'", at: path, "Member must have length greater than or equal to \(bounds.lowerBound)")
        } else if value.count > bounds.upperBound {
            add("'\(value)'", at: path, "Member must have length less than or equal to \(bounds.upperBound)")
        }
    }

    /// A list of `bounds` entries, if present (the PartiQL statements and
    /// their parameters); `count` is its length.
    mutating func checkListLength(_ count: Int?, at path: String, _ bounds: ClosedRange<Int>) {
        guard let count else { return }
        if count < bounds.lowerBound {
            add("'[]'", at: path, "Member must have length greater than or equal to \(bounds.lowerBound)")
        } else if count > bounds.upperBound {
            add("'\(count)'", at: path, "Member must have length less than or equal to \(bounds.upperBound)")
        }
    }

    /// The ResourceArn of the tagging and policy operations: required, and
    /// up to DynamoDB's 1283 characters.
    mutating func checkResourceARN(_ arn: String?) {
        requireNonNull(arn, at: "resourceArn")
        checkLength(arn, at: "resourceArn", 1...1283)
    }

    /// A number member within `bounds`, if present.
    mutating func checkRange(_ value: Int?, at path: String, _ bounds: ClosedRange<Int>) {
        guard let value else { return }
        if value < bounds.lowerBound {
            add("'\(value)'", at: path, "Member must have value greater than or equal to \(bounds.lowerBound)")
        } else if value > bounds.upperBound {
            add("'\(value)'", at: path, "Member must have value less than or equal to \(bounds.upperBound)")
        }
    }

    func throwIfAny() throws(DynamoError) {
        guard !messages.isEmpty else { return }
        let count = messages.count
        throw .validation("\(count) validation error\(count == 1 ? "" : "s") detected: " + messages.joined(separator: "; "))
    }
}
