import StrataExpressions
import StrataModel
import Testing

/// DynamoDB's messages for expressions that cannot be accepted.
struct ParserErrorTests {
    @Test(arguments: [
        ("a = ", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \""),
        ("a = :v :v", "Invalid ConditionExpression: Syntax error; token: \":v\", near: \":v :v\""),
        ("a", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""),
        ("a AND :v", "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND :v\""),
        ("a IN ()", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\""),
        ("a = b$c", "Invalid ConditionExpression: Syntax error; token: \"$\", near: \"b$c\""),
        ("((a = b)", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \")\""),
    ])
    func syntaxErrors(text: String, message: String) {
        #expect(validationMessage { _ = try condition(text, values: [":v": n("1")]) } == message)
    }

    @Test func emptyAndTooLong() {
        #expect(validationMessage { _ = try condition("") } == "Invalid ConditionExpression: The expression can not be empty;")
        #expect(validationMessage { _ = try update("   ") } == "Invalid UpdateExpression: The expression can not be empty;")
        let long = "a" + String(repeating: " ", count: 4092) + "= :v"
        #expect(validationMessage { _ = try condition(long, values: [":v": n("1")]) }
            == "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097")
        let fits = "a" + String(repeating: " ", count: 4092) + "=:v"
        #expect(fits.utf8.count == 4096)
        #expect(validationMessage { _ = try condition(fits, values: [":v": n("1")]) } == nil)
    }

    @Test(arguments: [
        (ConditionKind.condition, "ConditionExpression"),
        (.filter, "FilterExpression"),
        (.keyCondition, "KeyConditionExpression"),
    ])
    func messagesNameTheParameter(kind: ConditionKind, parameter: String) {
        #expect(validationMessage { _ = try condition("name = :v", values: [":v": n("1")], kind: kind) }
            == "Invalid \(parameter): Attribute name is a reserved keyword; reserved keyword: name")
    }

    @Test(arguments: ["Name", "STATUS", "size", "ttl", "Data"])
    func reservedWordsInAnyCase(word: String) {
        #expect(validationMessage { _ = try projection("a, \(word).x") }
            == "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: \(word)")
        #expect(validationMessage { _ = try projection("#w", names: ["#w": word]) } == nil)
    }

    @Test func syntaxErrorBeatsLaterFault() {
        // The reserved word comes first, but a syntax error anywhere wins.
        #expect(validationMessage { _ = try condition("name = :v :v", values: [":v": n("1")]) }?
            .contains("Syntax error") == true)
    }

    @Test func undefinedPlaceholders() {
        #expect(validationMessage { _ = try condition("#x = :v", values: [":v": n("1")]) }
            == "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x")
        #expect(validationMessage { _ = try update("SET a = :v") }
            == "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v")
    }

    @Test(arguments: [
        ("dog(a) = :v", "Invalid function name; function: dog"),
        ("size(a)", "The function is not allowed to be used this way in an expression; function: size"),
        ("attribute_exists(a) < :v", "The function is not allowed to be used this way in an expression; function: attribute_exists"),
        ("if_not_exists(a, a) = :v", "The function is not allowed to be used this way in an expression; function: if_not_exists"),
        ("size(a, a) = :v", "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"),
        ("attribute_exists(:v)", "Operator or function requires a document path; operator or function: attribute_exists"),
        ("size(:v) > :v", "Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ("size(size(a)) > :v", "Incorrect operand type for operator or function; operator or function: size, operand type: N"),
        ("begins_with(a, :v)", "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"),
        ("a < :l", "Incorrect operand type for operator or function; operator or function: <, operand type: L"),
        // No spaces inside the braces: dynalite's test/scan.js, run against AWS.
        ("attribute_type(a, :s)", "Invalid attribute type name found; type: DOG, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
        ("contains(a, a)", "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]"),
        ("a BETWEEN :v AND :s", "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:DOG}"),
        ("a BETWEEN :two AND :v", "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"),
        ("((a = :v))", "The expression has redundant parentheses;"),
        ("NOT ((a = :v))", "The expression has redundant parentheses;"),
    ])
    func semanticErrors(text: String, detail: String) {
        let values: [String: AttributeValue] = [":v": n("1"), ":two": n("2"), ":l": .l([]), ":s": .s("DOG")]
        #expect(validationMessage { _ = try condition(text, values: values) } == "Invalid ConditionExpression: \(detail)")
    }

    @Test(arguments: ["(a = :v)", "((a = :v) AND a = :v)", "(a = :v) OR (NOT (a = :v))"])
    func singleParenthesesAreFine(text: String) {
        #expect(validationMessage { _ = try condition(text, values: [":v": n("1")]) } == nil)
    }

    @Test(arguments: [
        ("a OR b", "OR"), ("NOT a = :v", "NOT"), ("a IN (:v)", "IN"), ("a <> :v", "<>"),
        ("attribute_exists(a)", "attribute_exists"), ("contains(a, :v)", "contains"),
    ])
    func keyConditionOperators(text: String, name: String) {
        let message = validationMessage { _ = try condition(text, values: [":v": n("1")], kind: .keyCondition) }
        if name == "OR" {
            #expect(message?.contains("Syntax error") == true)  // `a OR b` has no comparison
        } else {
            #expect(message == "Invalid operator used in KeyConditionExpression: \(name)")
        }
    }

    @Test func pathLimits() {
        let deepest = "a" + String(repeating: ".b", count: 31)
        #expect(validationMessage { _ = try projection(deepest) } == nil)
        #expect(validationMessage { _ = try projection(deepest + ".b") }
            == "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33")
        #expect(validationMessage { _ = try projection("a[99999999999999]") }
            == "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999999]")
        #expect(validationMessage { _ = try update("SET a[:i] = :v", values: [":i": n("1"), ":v": n("1")]) }?
            .contains("Syntax error") == true)
    }

    @Test func operatorLimitIsExact() {
        // 150 comparisons and 149 ORs, then one or two NOTs.
        let ors = "a<b" + String(repeating: " or a<b", count: 149)
        #expect(validationMessage { _ = try condition("NOT " + ors) } == nil)
        #expect(validationMessage { _ = try condition("NOT NOT " + ors) }
            == "Invalid ConditionExpression: The expression contains too many operators; operator count: 301")
    }

    @Test func nestingLimitIsExact() {
        // Strata's own cap: at 400 parentheses the fault found is DynamoDB's own.
        func nested(_ depth: Int) -> String { String(repeating: "(", count: depth) + "a<b" + String(repeating: ")", count: depth) }
        #expect(validationMessage { _ = try condition(nested(400)) } == "Invalid ConditionExpression: The expression has redundant parentheses;")
        #expect(validationMessage { _ = try condition(nested(401)) }
            == "Invalid ConditionExpression: The expression is nested too deeply; maximum nesting: 400")
    }

    @Test func operatorCountAndNesting() {
        let values: [String: AttributeValue] = [":v": n("1")]
        // 299 operators ("<" and "or") in 149 nested parentheses are accepted.
        let nested = "a<b " + String(repeating: "or (a<b ", count: 149) + String(repeating: ")", count: 149)
        #expect(validationMessage { _ = try condition(nested) } == nil)
        let tooMany = "a<b " + String(repeating: "or (a<b ", count: 454) + String(repeating: ")", count: 454)
        #expect(validationMessage { _ = try condition(tooMany) }
            == "Invalid ConditionExpression: The expression contains too many operators; operator count: 301")
        #expect(validationMessage { _ = try condition(String(repeating: "not ", count: 1000) + "a<b") }?
            .contains("too many operators") == true)
        #expect(validationMessage { _ = try condition(String(repeating: "(", count: 4096)) }?
            .hasPrefix("Invalid ConditionExpression:") == true)
        #expect(validationMessage { _ = try condition(String(repeating: "(", count: 2046) + "a<b" + String(repeating: ")", count: 2046)) }?
            .hasPrefix("Invalid ConditionExpression:") == true)
        let functions = "a < " + String(repeating: "f(", count: 1355) + "b" + String(repeating: ")", count: 1355)
        #expect(validationMessage { _ = try condition(functions) } == "Invalid ConditionExpression: Invalid function name; function: f")
        let sizes = "a < " + String(repeating: "size(", count: 680) + "b" + String(repeating: ")", count: 680)
        #expect(validationMessage { _ = try condition(sizes, values: values) }?.hasPrefix("Invalid ConditionExpression:") == true)
    }

    @Test func inListLimit() {
        var values: [String: AttributeValue] = [:]
        for i in 0..<100 { values[":v\(i)"] = n("\(i)") }
        let ninetyNine = (0..<99).map { ":v\($0)" }.joined(separator: ",")
        #expect(validationMessage { _ = try condition("a IN (\(ninetyNine))", values: values) } == nil)
        let hundred = (0..<100).map { ":v\($0)" }.joined(separator: ",")
        #expect(validationMessage { _ = try condition("a IN (\(hundred))", values: values) } != nil)
    }
}
