import StrataModel
import StrataStorage
import Testing

/// The sort-key part of the encoding must order exactly as DynamoDB orders:
/// numbers by value, strings and binaries by their bytes.
@Suite struct KeyEncodingTests {
    private func sortKeyBytes(_ value: AttributeValue) -> [UInt8] {
        var out: [UInt8] = []
        KeyEncoding.appendSortKey(value, to: &out)
        return out
    }

    private func randomNumber(_ rng: inout some RandomNumberGenerator) -> DynamoNumber {
        let digitCount = Int.random(in: 1...38, using: &rng)
        var text = Bool.random(using: &rng) ? "-" : ""
        text += String((0..<digitCount).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
        text += "e\(Int.random(in: -120...80, using: &rng))"
        return (try? DynamoNumber(parsing: text)) ?? .zero
    }

    @Test func numberEncodingOrdersByValue() throws {
        var rng = SystemRandomNumberGenerator()
        var numbers = (0..<3000).map { _ in randomNumber(&rng) }
        numbers += try ["0", "-0", "1", "-1", "10", "9.99", "1e-130", "-1e-130", "9.9999999999999999999999999999999999999E+125",
                        "-9.9999999999999999999999999999999999999E+125", "0.1", "0.12", "0.123", "-0.12", "-0.123", "100", "1e2"]
            .map { try DynamoNumber(parsing: $0) }
        for _ in 0..<20_000 {
            let a = numbers.randomElement()!, b = numbers.randomElement()!
            let byValue = a < b ? -1 : (b < a ? 1 : 0)
            let ea = sortKeyBytes(.n(a)), eb = sortKeyBytes(.n(b))
            let byBytes = ea.lexicographicallyPrecedes(eb) ? -1 : (eb.lexicographicallyPrecedes(ea) ? 1 : 0)
            #expect(byValue == byBytes, "\(a) vs \(b)")
        }
    }

    @Test func stringAndBinaryEncodingOrdersByBytes() {
        var rng = SystemRandomNumberGenerator()
        let strings = (0..<500).map { _ in
            String((0..<Int.random(in: 0...6, using: &rng)).map { _ in ["a", "b", "é", "\u{0}", "Z", "😀"].randomElement(using: &rng)! })
        }
        for _ in 0..<5000 {
            let a = strings.randomElement()!, b = strings.randomElement()!
            let expected = Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
            #expect(sortKeyBytes(.s(a)).lexicographicallyPrecedes(sortKeyBytes(.s(b))) == expected)
            #expect(sortKeyBytes(.b(Array(a.utf8))).lexicographicallyPrecedes(sortKeyBytes(.b(Array(b.utf8)))) == expected)
        }
    }

    @Test func itemsOfOnePartitionKeyShareAPrefixAndSortBySortKey() throws {
        let partition = AttributeValue.s("user#1")
        let prefix = KeyEncoding.partitionPrefix(partition)
        let sorts = try ["-5", "0", "2", "10", "10.5"].map { AttributeValue.n(try DynamoNumber(parsing: $0)) }
        let keys = sorts.map { KeyEncoding.encode(PrimaryKey(partition: partition, sort: $0)) }
        for key in keys { #expect(Array(key.prefix(prefix.count)) == prefix) }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func equalNumbersEncodeIdentically() throws {
        let a = KeyEncoding.encode(PrimaryKey(partition: .n(try DynamoNumber(parsing: "1000"))))
        let b = KeyEncoding.encode(PrimaryKey(partition: .n(try DynamoNumber(parsing: "1e3"))))
        #expect(a == b)
    }

    @Test func partitionKeysOfDifferentTypesNeverCollide() {
        let s = KeyEncoding.encode(PrimaryKey(partition: .s("abc")))
        let b = KeyEncoding.encode(PrimaryKey(partition: .b(Array("abc".utf8))))
        #expect(s != b)
    }

    @Test func partitionsSplitTheHashSpaceContiguously() {
        for count in [1, 2, 3, 8, 1000] {
            for index in 0..<count {
                let lower = PartitionHash.lowerBound(ofPartition: index, count: count)
                #expect(PartitionHash.partition(of: lower, count: count) == index)
                if lower > 0 { #expect(PartitionHash.partition(of: lower - 1, count: count) == index - 1) }
            }
            #expect(PartitionHash.partition(of: .max, count: count) == count - 1)
        }
    }

    /// The hash is on disk: these values must never change.
    @Test func partitionHashIsStable() {
        #expect(PartitionHash.hash(.s("a")) == PartitionHash.hash(.s("a")))
        #expect(String(PartitionHash.hash(.s("user0001")), radix: 16) == Self.frozenHashOfUser0001)
    }

    static let frozenHashOfUser0001 = "158d431dd349a161"
}
