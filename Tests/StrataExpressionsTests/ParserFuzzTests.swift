import StrataExpressions
import StrataModel
import Testing

/// Random and mutated expressions: parsing, evaluating and applying them
/// must never crash or hang, and every failure must be a ValidationException.
struct ParserFuzzTests {
    /// SplitMix64: a fixed seed makes any failure reproducible.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = [
        "a", "b", "c.d", "l[0]", "l[1]", "m.x", "#n", "#m", "#undefined", ":s", ":n", ":l", ":set", ":undefined",
        "=", "<>", "<", "<=", ">", ">=", "+", "-", ",", ".", "(", ")", "[", "]", "[3]", "AND", "OR", "NOT", "BETWEEN", "IN",
        "SET", "REMOVE", "ADD", "DELETE", "size(", "contains(", "begins_with(", "attribute_exists(", "attribute_not_exists(",
        "attribute_type(", "if_not_exists(", "list_append(", "name", "é", "\u{0}", "$", "99999999999", "((((", "))))",
    ]

    static let seeds = [
        "a = :n AND (b < :n OR NOT contains(l, :s))", "size(m.x) BETWEEN :n AND :n", "a IN (:s, :n, :l)",
        "attribute_type(#n, :s) OR begins_with(c.d, :s)", "SET a = list_append(if_not_exists(l, :l), :l), b = a + :n",
        "REMOVE l[1], m.x ADD #n :n DELETE #m :set", "a, b.c[2], #n.#m", "SET l[3] = :s REMOVE l[0]",
    ]

    static let item: Item = [
        "a": n("1"), "b": .s("x"), "c": .m(["d": .ss(["s"])]), "l": .l([n("1"), .s("x")]), "m": .m(["x": .b([1])]),
        "n": n("2"), "k": .ns([number("1")]),
    ]

    static let values: [String: AttributeValue] = [":s": .s("x"), ":n": n("1"), ":l": .l([n("2")]), ":set": .ss(["s"])]

    static func mutate(_ text: String, _ random: inout Random) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !characters.isEmpty: characters.remove(at: position)
            case 1: characters.insert(contentsOf: fragments.randomElement(using: &random)!, at: position)
            case 2 where !characters.isEmpty: characters[position] = Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &random)))
            default: characters.insert(contentsOf: characters[position...].prefix(8), at: position)
            }
        }
        return String(characters)
    }

    static func randomExpression(_ random: inout Random) -> String {
        let count = Int.random(in: 1...30, using: &random)
        return (0..<count).map { _ in fragments.randomElement(using: &random)! }.joined(separator: Bool.random(using: &random) ? " " : "")
    }

    /// Runs `body`; a thrown error must be a ValidationException.
    static func expectValidationOnly(_ text: String, _ body: () throws(DynamoError) -> Void) {
        do {
            try body()
        } catch {
            guard case .validation = error else {
                Issue.record("\(error) for \(text.debugDescription)")
                return
            }
        }
    }

    static func exercise(_ text: String) {
        let names = ["#n": "n", "#m": "m"]
        expectValidationOnly(text) { () throws(DynamoError) in
            let context = ExpressionContext(names: names, values: values)
            _ = try ConditionExpression.parse(text, context: context, kind: .filter).evaluate(item)
        }
        expectValidationOnly(text) { () throws(DynamoError) in
            let context = ExpressionContext(names: names, values: values)
            let parsed = try UpdateExpression.parse(text, context: context)
            _ = parsed.updatedAttributes(of: try parsed.apply(to: item))
        }
        expectValidationOnly(text) { () throws(DynamoError) in
            _ = try ProjectionExpression.parse(text, context: ExpressionContext(names: names, values: nil)).apply(to: item)
        }
    }

    @Test(arguments: 0..<8)
    func mutatedExpressions(seed: UInt64) {
        var random = Random(state: seed)
        for _ in 0..<1500 {
            Self.exercise(Self.mutate(Self.seeds.randomElement(using: &random)!, &random))
        }
    }

    @Test(arguments: 0..<8)
    func randomExpressions(seed: UInt64) {
        var random = Random(state: 1000 + seed)
        for _ in 0..<1500 {
            Self.exercise(Self.randomExpression(&random))
        }
    }

    @Test func pathologicalInputs() {
        for text in [String(repeating: "(", count: 5000), String(repeating: "NOT ", count: 1024), String(repeating: "a.", count: 2048),
                     String(repeating: "size(", count: 819), String(repeating: "a[1]", count: 1024), String(repeating: "é", count: 2048),
                     "a = :n " + String(repeating: "AND a = :n ", count: 370)] {
            Self.exercise(text)
        }
    }
}
