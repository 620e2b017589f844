import StrataExpressions
import StrataModel
import Testing

/// Applying UpdateExpressions to items.
struct UpdateExpressionTests {
    static let values: [String: AttributeValue] = [
        ":one": n("1"), ":two": n("2"), ":hi": .s("hi"), ":list": .l([n("7")]), ":pig": .ss(["pig"]),
        ":dogcat": .ss(["dog", "cat"]), ":numbers": .ns([number("3")]), ":zero": n("0"), ":big": n("9E+125"),
    ]

    func apply(_ text: String, to item: Item?, names: [String: String]? = nil) throws(DynamoError) -> Item {
        try update(text, names: names, values: Self.values).apply(to: item)
    }

    @Test(arguments: [
        ("SET a = :one", ["a": n("1")]),
        ("set a = :one, b = :hi", ["a": n("1"), "b": .s("hi")]),
        ("  sEt   a=:one  ", ["a": n("1")]),
        ("SET a = :one + :two", ["a": n("3")]),
        ("SET a = :one - :two", ["a": n("-1")]),
        ("SET a = if_not_exists(a, :zero) + :one", ["a": n("1")]),
        ("SET a = list_append(:list, :list)", ["a": .l([n("7"), n("7")])]),
        ("ADD a :one", ["a": n("1")]),
        ("ADD a :pig", ["a": .ss(["pig"])]),
        ("DELETE a :pig", [:]),
        ("REMOVE a", [:]),
        ("REMOVE a.b, c[0]", [:]),  // nothing to remove from when there is no item
    ] as [(String, Item)])
    func onNoItem(text: String, expected: Item) throws {
        #expect(try apply(text, to: nil) == expected)
    }

    @Test func readsTheOldItem() throws {
        let item: Item = ["a": .s("hello"), "n": n("41")]
        #expect(try apply("REMOVE a SET b = a", to: item) == ["b": .s("hello"), "n": n("41")])
        #expect(try apply("SET n = n + :one, m = n", to: item) == ["a": .s("hello"), "n": n("42"), "m": n("41")])
        #expect(try apply("SET n = :one + n", to: item)["n"] == n("42"))
        #expect(try apply("SET a = if_not_exists(a, :hi), c = if_not_exists(c, :hi)", to: item)
            == ["a": .s("hello"), "c": .s("hi"), "n": n("41")])
    }

    @Test func nestedPaths() throws {
        let item: Item = ["a": .m(["b": n("3"), "c": .l([.s("hi"), .m(["x": .m(["y": .l([n("3"), n("5"), n("7")])])])])])]
        let set = try apply("SET a.c[1].#x.y[1] = :one", to: item, names: ["#x": "x"])
        #expect(set["a"] == .m(["b": n("3"), "c": .l([.s("hi"), .m(["x": .m(["y": .l([n("3"), n("1"), n("7")])])])])]))
        let removed = try apply("REMOVE a.c[1].x.y[1], a.b", to: item)
        #expect(removed["a"] == .m(["c": .l([.s("hi"), .m(["x": .m(["y": .l([n("3"), n("7")])])])])]))
        #expect(try apply("SET z = a.c[1].x.y[2]", to: item)["z"] == n("7"))
        #expect(try apply("SET #dotted = :one", to: [:], names: ["#dotted": "a.b"]) == ["a.b": n("1")])
    }

    @Test func listElements() throws {
        let item: Item = ["a": .l([n("2"), n("3"), n("4"), n("5"), n("6"), n("7")])]
        let expected: AttributeValue = .l([n("2"), n("4"), n("1"), n("6"), n("7")])
        #expect(try apply("REMOVE a[1] SET a[3] = :one", to: item)["a"] == expected)
        #expect(try apply("SET a[3] = :one REMOVE a[1]", to: item)["a"] == expected)
        #expect(try apply("REMOVE a[17]", to: item) == item)
        let short: Item = ["a": .l([n("0")])]
        let appended = try apply("SET a[84] = :one, a[37] = :two, a[17] = :hi", to: short)
        #expect(appended["a"] == .l([n("0"), .s("hi"), n("2"), n("1")]))
        #expect(try apply("REMOVE a[0]", to: short)["a"] == .l([]))
    }

    @Test func addAndDelete() throws {
        let item: Item = ["n": n("3"), "s": .ss(["dog", "mouse"]), "ns": .ns([number("1")]), "word": .s("hi"), "l": .l([])]
        #expect(try apply("ADD n :two", to: item)["n"] == n("5"))
        #expect(try apply("ADD s :dogcat", to: item)["s"] == .ss(["dog", "mouse", "cat"]))
        #expect(try apply("ADD ns :numbers", to: item)["ns"] == .ns([number("1"), number("3")]))
        #expect(try apply("DELETE s :dogcat", to: item)["s"] == .ss(["mouse"]))
        #expect(try apply("DELETE s :pig", to: item)["s"] == .ss(["dog", "mouse"]))
        #expect(try apply("DELETE ns :numbers", to: ["ns": .ns([number("3")])]) == [:])
        #expect(validationMessage { _ = try apply("ADD word :one", to: item) } == "An operand in the update expression has an incorrect data type")
        #expect(validationMessage { _ = try apply("ADD s :numbers", to: item) } == "An operand in the update expression has an incorrect data type")
        #expect(validationMessage { _ = try apply("ADD l :pig", to: item) } == "An operand in the update expression has an incorrect data type")
        #expect(validationMessage { _ = try apply("DELETE word :pig", to: item) } == "An operand in the update expression has an incorrect data type")
    }

    @Test(arguments: [
        ("ADD a :hi", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"),
        ("ADD a :list", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST"),
        ("DELETE a :one", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"),
        ("SET a = :hi + :one", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        ("SET a = list_append(:list, :hi)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"),
        ("SET a = f(b, c)", "Invalid UpdateExpression: Invalid function name; function: f"),
        ("SET a = LIST_APPEND(b, c)", "Invalid UpdateExpression: Invalid function name; function: LIST_APPEND"),
        ("SET a = size(b)", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: size"),
        ("SET a = list_append(list_append(:list, :list), :list)", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"),
        ("SET a = if_not_exists(:one, :two)", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"),
        ("SET a = list_append(:list)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"),
        ("SET a = :one REMOVE b SET c = :two", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"),
        ("SET a = :one, a = :two", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
        ("SET a = :one REMOVE a.b", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
        ("SET a[1][1] = :one, a[1] = :two", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1], [1]], path two: [a, [1]]"),
        ("SET a.b = :one, a[1] = :two", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"),
        ("SET #a1 = :one, #a2 = :two", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
    ])
    func invalidExpressions(text: String, message: String) {
        #expect(validationMessage { _ = try update(text, names: ["#a1": "a", "#a2": "a"], values: Self.values) } == message)
    }

    @Test(arguments: [
        "HELLO b = :one", "SET a = :one + :two + :one", "SET a = if_not_exists(a, :one + :two)", "SET _a = :one",
        "SET 123a = :one", "SET a-b = :one", "SET :one = :two", "SET a = :", "SET # = :one", "SET a = _f(b)",
        "SET a[#x] = :one", "ADD a b", "REMOVE", "SET a = :one,",
    ])
    func syntaxErrors(text: String) {
        #expect(validationMessage { _ = try update(text, names: ["#x": "x"], values: Self.values) }?
            .hasPrefix("Invalid UpdateExpression: Syntax error; token: ") == true)
    }

    @Test func itemDependentFailures() {
        let item: Item = ["a": .s("hello"), "b": .l([.s("hi")]), "n": n("1")]
        for text in ["SET a.c = :one", "SET b.c = :one", "SET c.c = :one", "REMOVE a.c", "REMOVE b.c", "REMOVE c.c",
                     "SET a[0] = :one", "REMOVE a[0]", "SET c[0] = :one"] {
            #expect(validationMessage { _ = try apply(text, to: item) } == "The document path provided in the update expression is invalid for update", "\(text)")
        }
        #expect(validationMessage { _ = try apply("SET c.c = :one", to: nil) } == "The document path provided in the update expression is invalid for update")
        #expect(validationMessage { _ = try apply("SET z = q + :one", to: item) } == "The provided expression refers to an attribute that does not exist in the item")
        #expect(validationMessage { _ = try apply("SET z = a + :one", to: item) } == "An operand in the update expression has an incorrect data type")
        #expect(validationMessage { _ = try apply("SET z = list_append(n, :list)", to: item) } == "An operand in the update expression has an incorrect data type")
        #expect(validationMessage { _ = try apply("SET n = n + :big", to: ["n": n("9E+125")]) }
            == "Number overflow. Attempting to store a number with magnitude larger than supported range")
    }

    @Test func returnValuesHelpers() throws {
        let old: Item = ["p": .s("k"), "a": .m(["b": .s("dog"), "c": .l([n("1"), n("2"), n("3")])]), "d": .s("cat")]
        let expression = try update("SET a.c[1] = :one, a.b = :hi, x = :two", values: Self.values)
        #expect(expression.updatedAttributeNames == ["a", "x"])
        #expect(expression.updatedAttributes(of: old) == ["a": .m(["b": .s("dog"), "c": .l([n("2")])])])
        let new = try expression.apply(to: old)
        #expect(expression.updatedAttributes(of: new) == ["a": .m(["b": .s("hi"), "c": .l([n("1")])]), "x": n("2")])
        let remove = try update("REMOVE a.c[1], a.c[3]")
        #expect(remove.updatedAttributes(of: old) == ["a": .m(["c": .l([n("2")])])])
        #expect(remove.updatedAttributes(of: try remove.apply(to: old)) == ["a": .m(["c": .l([n("3")])])])
    }
}
