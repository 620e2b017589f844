import StrataExpressions
import StrataModel
import Testing

/// Evaluating conditions against items, by DynamoDB's type rules.
struct ConditionEvaluationTests {
    static let item: Item = [
        "s": .s("hello"), "n": n("5"), "b": .b([127]), "t": .bool(true), "z": .null,
        "ss": .ss(["dog", "cat"]), "ns": .ns([number("1"), number("2")]), "bs": .bs([[1], [2, 3]]),
        "l": .l([n("1"), .s("x"), .ss(["a", "b"])]),
        "m": .m(["x": n("1"), "y": .l([n("-1"), n("2")]), "tags": .ss(["p", "q"])]),
        "and": .s("reserved"),
    ]

    static let values: [String: AttributeValue] = [
        ":five": n("5"), ":four": n("4"), ":six": n("6"), ":hello": .s("hello"), ":hell": .s("hell"),
        ":ell": .s("ell"), ":fiveText": .s("5"), ":b128": .b([128]), ":b126": .b([126]),
        ":catdog": .ss(["cat", "dog"]), ":two": n("2"), ":three": n("3"), ":S": .s("S"), ":SS": .s("SS"),
        ":x": .s("x"), ":abSet": .ss(["b", "a"]), ":mapSet": .m(["x": n("1"), "y": .l([n("-1"), n("2")]), "tags": .ss(["q", "p"])]),
        ":true": .bool(true), ":null": .null, ":one": n("1"), ":M": .s("M"), ":N": .s("N"),
    ]

    @Test(arguments: [
        // Equality across every type; sets compare as sets at any depth.
        ("s = :hello", true), ("n = :five", true), ("n = :fiveText", false), ("ss = :catdog", true),
        ("m = :mapSet", true), ("t = :true", true), ("z = :null", true), ("l[2] = :abSet", true),
        ("nope = :five", false), ("nope = zz", false),
        ("n <> :four", true), ("n <> :fiveText", true), ("nope <> :five", true), ("nope <> zz", true), ("n <> :five", false),
        // Ordering works on S, N and B only, bytes unsigned.
        ("n < :six", true), ("n <= :five", true), ("n > :four", true), ("n >= :six", false), ("s > :hell", true),
        ("b < :b128", true), ("n < :fiveText", false), ("nope < :five", false), (":five > nope", false),
        ("l < :five", false), ("nope < zz", false),
        ("n BETWEEN :four AND :six", true), ("n BETWEEN :five AND :five", true), ("n between :six and :six", false),
        ("b BETWEEN :b126 AND :b128", true), ("s BETWEEN :four AND :six", false), ("nope BETWEEN :four AND :six", false),
        ("n IN (:four, :five)", true), ("n IN (:hello, :four)", false), ("ss IN (:catdog)", true), ("nope IN (:five)", false),
        // Functions.
        ("attribute_exists(s)", true), ("attribute_exists(m.y[1])", true), ("attribute_exists(m.y[2])", false),
        ("attribute_not_exists(nope)", true), ("attribute_not_exists(s)", false),
        ("attribute_type(ss, :SS)", true), ("attribute_type(s, :SS)", false), ("attribute_type(m, :M)", true),
        ("attribute_type(:five, :N)", true),
        ("begins_with(s, :hell)", true), ("begins_with(s, :ell)", false), ("begins_with(n, :hell)", false),
        ("begins_with(:hello, s)", true),
        ("contains(s, :ell)", true), ("contains(ss, :hello)", false), ("contains(ns, :two)", true), ("contains(l, :x)", true),
        ("contains(l, :abSet)", true), ("contains(m.tags, :x)", false), ("contains(nope, :x)", false), ("contains(n, :five)", false),
        ("size(s) = :five", true), ("size(ss) = :two", true), ("size(l) = :three", true), ("size(m) = :three", true),
        ("size(b) = :one", true), ("size(n) = :one", false), ("size(t) = :one", false), ("size(s) = :fiveText", false),
        ("size(:hello) = n", true), ("size(nope) <> :one", true),
        // Nested paths and names.
        ("m.x < m.y[1]", true), ("m.x < m.y[0]", false), ("#a = :fiveText", false), ("#a <> s", true),
        // Logic and precedence: NOT > AND > OR.
        ("n = :five AND s = :hello", true), ("n = :four OR s = :hello", true), ("NOT n = :four", true),
        ("n = :four AND s = :hello OR n = :five", true), ("n = :five OR n = :four AND s = :x", true),
        ("NOT n = :five AND n = :four", false), ("NOT (n = :five AND n = :four)", true),
        ("n BETWEEN :four AND :six AND s = :hello", true),
    ])
    func evaluate(text: String, expected: Bool) throws {
        let context = ExpressionContext(names: text.contains("#a") ? ["#a": "and"] : nil, values: Self.values)
        let parsed = try ConditionExpression.parse(text, context: context)
        #expect(parsed.evaluate(Self.item) == expected)
    }

    @Test func noItem() throws {
        #expect(try condition("attribute_not_exists(p)").evaluate(nil))
        #expect(try condition("p <> :v", values: [":v": .s("k")]).evaluate(nil))
        #expect(try !condition("p = :v", values: [":v": .s("k")]).evaluate(nil))
    }

    @Test func keywordsIgnoreCase() throws {
        #expect(try condition("n between :a and :b aNd NoT n in (:a)", values: [":a": n("1"), ":b": n("9")]).evaluate(["n": n("5")]))
    }
}
