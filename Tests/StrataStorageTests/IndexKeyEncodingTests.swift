import StrataModel
@testable import StrataStorage
import Testing

/// Index entry keys: two sort components compare one after the other, each
/// by DynamoDB's order, whatever follows them; and a key condition's range
/// holds exactly the entries that meet it.
@Suite struct IndexKeyEncodingTests {
    static let values: [AttributeValue] = [
        .s(""), .s("a"), .s("a\u{0}"), .s("a\u{0}b"), .s("ab"), .s("b"), .s("\u{0}"),
        .n(DynamoNumber(-10)), .n(DynamoNumber(-1)), .n(.zero), .n(DynamoNumber(1)), .n(DynamoNumber(12)), .n(DynamoNumber(123)),
        .b([]), .b([0]), .b([0, 0]), .b([0, 255]), .b([1]), .b([255]),
    ]

    /// DynamoDB's order within one type.
    static func order(_ x: AttributeValue, _ y: AttributeValue) -> Int {
        switch (x, y) {
        case (.n(let m), .n(let n)): m < n ? -1 : (n < m ? 1 : 0)
        case (.s(let s), .s(let t)): compare(Array(s.utf8), Array(t.utf8))
        case (.b(let s), .b(let t)): compare(s, t)
        default: 0
        }
    }

    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.lexicographicallyPrecedes(b) ? -1 : (b.lexicographicallyPrecedes(a) ? 1 : 0)
    }

    static func key(_ sort: [AttributeValue], table: [UInt8]) -> [UInt8] {
        IndexKeyEncoding.entryKey(IndexKeyValues(partition: [.s("p")], sort: sort), tableKey: table)
    }

    @Test func componentsCompareOneAfterTheOtherWhateverFollows() {
        let sameType = Self.values.flatMap { a in Self.values.filter { $0.typeName == a.typeName }.map { (a, $0) } }
        for (a1, b1) in sameType {
            for (a2, b2) in sameType.prefix(40) {
                let expected = Self.order(a1, b1) != 0 ? Self.order(a1, b1) : Self.order(a2, b2)
                guard expected != 0 else { continue }
                // Table keys that would reverse the order if they leaked into the comparison.
                let left = Self.key([a1, a2], table: [255, 255]), right = Self.key([b1, b2], table: [0])
                #expect(Self.compare(left, right) == expected, "\(a1),\(a2) vs \(b1),\(b2)")
            }
        }
    }

    @Test func rangesHoldExactlyTheEntriesThatMeetTheCondition() {
        let strings = Self.values.filter { $0.typeName == "S" }
        let numbers = Self.values.filter { $0.typeName == "N" }
        for candidates in [strings, numbers] {
            for v in candidates {
                var conditions: [(SortKeyCondition, (AttributeValue) -> Bool)] = [
                    (.equal(v), { Self.order($0, v) == 0 }),
                    (.less(v), { Self.order($0, v) < 0 }),
                    (.lessOrEqual(v), { Self.order($0, v) <= 0 }),
                    (.greater(v), { Self.order($0, v) > 0 }),
                    (.greaterOrEqual(v), { Self.order($0, v) >= 0 }),
                    (.between(candidates[1], v), { Self.order($0, candidates[1]) >= 0 && Self.order($0, v) <= 0 }),
                ]
                if case .s(let prefix) = v {
                    conditions.append((.beginsWith(v), { if case .s(let s) = $0 { Array(s.utf8).starts(with: Array(prefix.utf8)) } else { false } }))
                }
                for (condition, meets) in conditions {
                    let range = IndexKeyEncoding.range(IndexKeyCondition(partition: [.s("p")], sortEqualities: [.s("x")], sortCondition: condition))
                    for candidate in candidates {
                        let key = Self.key([.s("x"), candidate], table: [7, 7])
                        #expect(Self.contains(range, key) == meets(candidate), "\(condition) on \(candidate)")
                    }
                    // Another value of the equality component is never in range.
                    #expect(!Self.contains(range, Self.key([.s("y"), v], table: [7])))
                }
            }
        }
    }

    @Test func multiAttributePartitionKeysNeverShareTheirBytes() {
        let a = IndexKeyEncoding.partitionPrefix([.s("ab"), .s("c")])
        let b = IndexKeyEncoding.partitionPrefix([.s("a"), .s("bc")])
        let c = IndexKeyEncoding.partitionPrefix([.s("ab"), .n(DynamoNumber(1))])
        #expect(a != b && a != c && b != c)
        #expect(IndexKeyEncoding.partitionPrefix([.s("ab")]) == KeyEncoding.partitionPrefix(.s("ab")))
    }

    static func contains(_ range: KeyRange, _ key: [UInt8]) -> Bool {
        if let lower = range.lower {
            let c = compare(key, lower.key)
            if c < 0 || (c == 0 && !lower.inclusive) { return false }
        }
        if let upper = range.upper {
            let c = compare(key, upper.key)
            if c > 0 || (c == 0 && !upper.inclusive) { return false }
        }
        return true
    }
}
