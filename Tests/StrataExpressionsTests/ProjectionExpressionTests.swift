import StrataExpressions
import StrataModel
import Testing

struct ProjectionExpressionTests {
    static let item: Item = [
        "a": .m(["b": .l([n("0"), n("1"), .m(["c": .s("x"), "d": .s("y")])]), "e": n("2")]),
        "f": .s("top"), "a.b": .s("dotted"),
    ]

    @Test(arguments: [
        ("f", ["f": .s("top")]),
        ("f, nope", ["f": .s("top")]),
        ("a.e", ["a": .m(["e": n("2")])]),
        ("a.b[2].c, a.e", ["a": .m(["b": .l([.m(["c": .s("x")])]), "e": n("2")])]),
        ("a.b[2], a.b[0]", ["a": .m(["b": .l([n("0"), .m(["c": .s("x"), "d": .s("y")])])])]),
        ("a.b[999]", [:]),
        ("f.x", [:]),
        ("#ab", ["a.b": .s("dotted")]),
        ("#a.#b[1]", ["a": .m(["b": .l([n("1")])])]),
    ] as [(String, Item)])
    func project(text: String, expected: Item) throws {
        let parsed = try projection(text, names: text.contains("#ab") ? ["#ab": "a.b"] : (text.contains("#a") ? ["#a": "a", "#b": "b"] : nil))
        #expect(parsed.apply(to: Self.item) == expected)
    }

    @Test(arguments: [
        ("a, a.b", "overlap", "[a]", "[a, b]"), ("a.b, a.b[2]", "overlap", "[a, b]", "[a, b, [2]]"),
        ("a.b.d, a.b", "overlap", "[a, b, d]", "[a, b]"), ("a, a", "overlap", "[a]", "[a]"),
        ("a.b, a[1]", "conflict", "[a, b]", "[a, [1]]"), ("a.b[1], a.b.c", "conflict", "[a, b, [1]]", "[a, b, c]"),
    ])
    func overlappingPaths(text: String, relation: String, one: String, two: String) {
        #expect(validationMessage { _ = try projection(text) }
            == "Invalid ProjectionExpression: Two document paths \(relation) with each other; must remove or rewrite one of these paths; path one: \(one), path two: \(two)")
    }

    @Test(arguments: ["a,", ",a", "a..b", "a[1", "a[-1]", "a b", "a.[1]", ":v", "a = b"])
    func syntaxErrors(text: String) {
        #expect(validationMessage { _ = try projection(text) }?.hasPrefix("Invalid ProjectionExpression: Syntax error;") == true)
    }
}
