import StrataExpressions
import StrataModel
import Testing

/// Expected, QueryFilter, ScanFilter, AttributeUpdates and AttributesToGet.
struct LegacyParameterTests {
    func json(_ text: String) -> JSONValue {
        try! JSONParser.parse(Array(text.utf8))
    }

    func expected(_ text: String, _ conditionalOperator: String? = nil) throws(DynamoError) -> ConditionExpression {
        try ConditionExpression.legacy(json(text), conditionalOperator: conditionalOperator, parameter: .expected)
    }

    static let item: Item = ["a": n("1"), "s": .s("hello"), "set": .ns([number("2"), number("4")])]

    @Test(arguments: [
        (#"{"a": {"Value": {"N": "1"}}}"#, true),
        (#"{"a": {"Value": {"N": "2"}}}"#, false),
        (#"{"a": {"Exists": true, "Value": {"N": "1"}}}"#, true),
        (#"{"z": {"Exists": false}}"#, true),
        (#"{"a": {"Exists": false}}"#, false),
        (#"{"a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}"#, true),
        (#"{"a": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "1"}]}}"#, true),
        (#"{"z": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]}}"#, true),
        (#"{"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]}}"#, true),
        (#"{"a": {"ComparisonOperator": "GE", "AttributeValueList": [{"S": "0"}]}}"#, false),
        (#"{"a": {"ComparisonOperator": "NOT_NULL"}}"#, true),
        (#"{"z": {"ComparisonOperator": "NULL"}}"#, true),
        (#"{"s": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "ell"}]}}"#, true),
        (#"{"set": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"N": "4"}]}}"#, true),
        (#"{"s": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "dog"}]}}"#, true),
        (#"{"z": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "dog"}]}}"#, false),
        (#"{"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}}"#, true),
        (#"{"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "3"}, {"N": "1"}]}}"#, true),
        (#"{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "0"}, {"N": "1"}]}}"#, true),
        (#"{"a": {"Value": {"N": "1"}}, "z": {"Exists": false}}"#, true),
        (#"{}"#, true),
    ])
    func expectedConditions(text: String, satisfied: Bool) throws {
        #expect(try expected(text).evaluate(Self.item) == satisfied)
    }

    @Test func conditionalOperator() throws {
        let text = #"{"a": {"Value": {"N": "7"}}, "s": {"Value": {"S": "hello"}}}"#
        #expect(try !expected(text).evaluate(Self.item))
        #expect(try !expected(text, "AND").evaluate(Self.item))
        #expect(try expected(text, "OR").evaluate(Self.item))
        #expect(validationMessage { _ = try expected("{}", "OR") }?.contains("ConditionalOperator") == true)
    }

    @Test(arguments: [
        #"{"a": {"Exists": true}}"#,
        #"{"a": {"Exists": false, "Value": {"N": "1"}}}"#,
        #"{"a": {"Exists": false, "ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}"#,
        #"{"a": {"Value": {"N": "1"}, "ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}"#,
        #"{"a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}}"#,
        #"{"a": {"ComparisonOperator": "NULL", "AttributeValueList": [{"N": "1"}]}}"#,
        #"{"a": {"ComparisonOperator": "LE", "AttributeValueList": [{"L": []}]}}"#,
        #"{"a": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"L": []}]}}"#,
        #"{"a": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "3"}]}}"#,
        #"{"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "3"}, {"S": "dog"}]}}"#,
        #"{"a": {"ComparisonOperator": "IN", "AttributeValueList": []}}"#,
        #"{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "4"}, {"N": "3"}]}}"#,
        #"{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "4"}, {"S": "dog"}]}}"#,
        #"{"a": {"ComparisonOperator": "DOG", "AttributeValueList": [{"N": "4"}]}}"#,
    ])
    func invalidExpected(text: String) {
        #expect(validationMessage { _ = try expected(text) } != nil)
    }

    @Test func filtersIgnoreValueAndExists() throws {
        let filter = try ConditionExpression.legacy(
            json(#"{"a": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}}"#),
            conditionalOperator: nil, parameter: .scanFilter)
        #expect(filter.evaluate(Self.item))
    }

    @Test func attributeUpdates() throws {
        let updates = try UpdateExpression.attributeUpdates(json(#"""
            {"a": {"Action": "ADD", "Value": {"N": "2"}}, "s": {"Value": {"S": "bye"}},
             "set": {"Action": "DELETE", "Value": {"NS": ["2"]}}, "l": {"Action": "ADD", "Value": {"L": [{"N": "1"}]}},
             "gone": {"Action": "DELETE"}}
            """#))
        let old: Item = ["a": n("1"), "s": .s("hello"), "set": .ns([number("2"), number("4")]), "l": .l([n("0")]), "gone": .null]
        #expect(try updates.apply(to: old) == ["a": n("3"), "s": .s("bye"), "set": .ns([number("4")]), "l": .l([n("0"), n("1")])])
        #expect(updates.updatedAttributeNames == ["a", "s", "set", "l", "gone"])
        let mismatch = try UpdateExpression.attributeUpdates(json(#"{"s": {"Action": "ADD", "Value": {"N": "1"}}}"#))
        #expect(validationMessage { _ = try mismatch.apply(to: old) } == "Type mismatch for attribute to update")
        #expect(validationMessage { _ = try UpdateExpression.attributeUpdates(json(#"{"a": {"Action": "PUT"}}"#)) }
            == "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")
        #expect(validationMessage { _ = try UpdateExpression.attributeUpdates(json(#"{"a": {"Action": "ADD", "Value": {"S": "x"}}}"#)) }
            == "One or more parameter values were invalid: ADD action is not supported for the type S")
        #expect(validationMessage { _ = try UpdateExpression.attributeUpdates(json(#"{"a": {"Action": "DELETE", "Value": {"N": "1"}}}"#)) }
            == "One or more parameter values were invalid: DELETE action with value is not supported for the type N")
        #expect(try UpdateExpression.attributeUpdates(json(#"{"a.b": {"Value": {"N": "1"}}}"#)).apply(to: nil) == ["a.b": n("1")])
    }

    @Test func attributesToGet() throws {
        let projection = try ProjectionExpression(attributesToGet: json(#"["a", "s.t", "z"]"#))
        #expect(projection.apply(to: Self.item.merging(["s.t": n("9")]) { a, _ in a }) == ["a": n("1"), "s.t": n("9")])
        #expect(validationMessage { _ = try ProjectionExpression(attributesToGet: json(#"["a", "a"]"#)) }
            == "One or more parameter values were invalid: Duplicate value in attribute name: a")
    }
}
