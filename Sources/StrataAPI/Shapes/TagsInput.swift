import StrataModel

/// The `Tags` of CreateTable and TagResource, and the `TagKeys` of
/// UntagResource: keys of 1 to 128 characters, values of up to 256, both
/// of letters, numbers, white space and `_ . : / = + - @`.
enum TagsInput {
    /// Tags one table may carry.
    static let maximumPerTable = 50

    static func decode(_ elements: [RequestBody]?, into violations: inout ConstraintViolations) throws(DynamoError) -> [(key: String, value: String)] {
        guard let elements else { return [] }
        var tags: [(key: String, value: String)] = []
        for (position, element) in elements.enumerated() {
            let path = "tags.\(position + 1).member"
            let key = try element.string("Key"), value = try element.string("Value")
            violations.requireNonNull(key, at: "\(path).key")
            violations.requireNonNull(value, at: "\(path).value")
            if let key { checkKey(key, at: "\(path).key", into: &violations) }
            if let value {
                violations.checkLength(value, at: "\(path).value", 0...256)
                checkCharacters(value, at: "\(path).value", into: &violations)
            }
            if let key, let value { tags.append((key, value)) }
        }
        return tags
    }

    static func checkKey(_ key: String, at path: String, into violations: inout ConstraintViolations) {
        violations.checkLength(key, at: path, 1...128)
        checkCharacters(key, at: path, into: &violations)
    }

    private static func checkCharacters(_ text: String, at path: String, into violations: inout ConstraintViolations) {
        let allowed = text.allSatisfy { $0.isLetter || $0.isNumber || $0.isWhitespace || "_.:/=+-@".contains($0) }
        if !allowed {
            violations.add("'\(text)'", at: path, "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
        }
    }

    /// Refuses keys AWS keeps for itself.
    static func checkReserved(_ tags: [(key: String, value: String)]) throws(DynamoError) {
        if let reserved = tags.first(where: { $0.key.lowercased().hasPrefix("aws:") }) {
            throw .validation("One or more parameter values were invalid: Tag keys starting with 'aws:' are reserved for system use: \(reserved.key)")
        }
    }

    /// Refuses a table that would carry more tags than DynamoDB allows.
    static func checkCount(_ tags: [(key: String, value: String)]) throws(DynamoError) {
        if tags.count > maximumPerTable {
            throw .validation("One or more parameter values were invalid: Number of tags exceeds the limit of \(maximumPerTable)")
        }
    }
}
