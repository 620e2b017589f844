import StrataModel

/// DynamoDB's comparison rules. Values of different types are never equal
/// and never ordered; a comparison involving them is simply false.
extension AttributeValue {
    /// -1, 0 or 1 for two strings (by UTF-8 bytes), numbers or binaries
    /// (unsigned bytes); nil for any other pair.
    func order(comparedTo other: AttributeValue) -> Int? {
        switch (self, other) {
        case (.s(let a), .s(let b)): Self.order(Array(a.utf8), Array(b.utf8))
        case (.b(let a), .b(let b)): Self.order(a, b)
        case (.n(let a), .n(let b)): a < b ? -1 : (a == b ? 0 : 1)
        default: nil
        }
    }

    private static func order(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        return a.lexicographicallyPrecedes(b) ? -1 : 1
    }

    /// Equality with sets compared as sets, at any depth.
    func isEqual(to other: AttributeValue) -> Bool {
        switch (self, other) {
        case (.ss(let a), .ss(let b)): a.count == b.count && Set(a) == Set(b)
        case (.ns(let a), .ns(let b)): a.count == b.count && Set(a) == Set(b)
        case (.bs(let a), .bs(let b)): a.count == b.count && Set(a) == Set(b)
        case (.l(let a), .l(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case (.m(let a), .m(let b)):
            a.count == b.count && a.allSatisfy { key, value in b[key].map { value.isEqual(to: $0) } ?? false }
        default: self == other
        }
    }

    /// What size() returns: characters of a string as UTF-8 bytes, bytes of a
    /// binary, members of a set, list or map; nil for the other types.
    var sizeForFunction: Int? {
        switch self {
        case .s(let s): s.utf8.count
        case .b(let b): b.count
        case .ss(let set): set.count
        case .ns(let set): set.count
        case .bs(let set): set.count
        case .l(let list): list.count
        case .m(let map): map.count
        case .n, .bool, .null: nil
        }
    }

    func begins(with prefix: AttributeValue) -> Bool {
        switch (self, prefix) {
        case (.s(let s), .s(let p)): s.utf8.starts(with: p.utf8)
        case (.b(let b), .b(let p)): b.starts(with: p)
        default: false
        }
    }

    /// A substring of a string or binary, a member of a set, or an element
    /// of a list.
    func contains(_ member: AttributeValue) -> Bool {
        switch (self, member) {
        case (.s(let s), .s(let part)): Self.contains(Array(s.utf8), Array(part.utf8))
        case (.b(let b), .b(let part)): Self.contains(b, part)
        case (.ss(let set), .s(let s)): set.contains(s)
        case (.ns(let set), .n(let n)): set.contains(n)
        case (.bs(let set), .b(let b)): set.contains(b)
        case (.l(let list), _): list.contains { $0.isEqual(to: member) }
        default: false
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }
}

extension SortKeyCondition {
    /// Whether a key value meets the condition.
    public func isMet(by value: AttributeValue) -> Bool {
        func order(_ bound: AttributeValue) -> Int? { value.order(comparedTo: bound) }
        switch self {
        case .equal(let v): return order(v) == 0
        case .less(let v): return order(v).map { $0 < 0 } ?? false
        case .lessOrEqual(let v): return order(v).map { $0 <= 0 } ?? false
        case .greater(let v): return order(v).map { $0 > 0 } ?? false
        case .greaterOrEqual(let v): return order(v).map { $0 >= 0 } ?? false
        case .between(let a, let b): return (order(a).map { $0 >= 0 } ?? false) && (order(b).map { $0 <= 0 } ?? false)
        case .beginsWith(let v): return value.begins(with: v)
        }
    }
}
