import StrataModel
import Testing

@Suite struct AttributeValueCodecTests {
    private func decode(_ text: String) throws -> AttributeValue {
        try AttributeValue(json: JSONParser.parse(Array(text.utf8)))
    }

    private func encode(_ value: AttributeValue) -> String {
        var writer = JSONWriter()
        writer.attributeValue(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        #"{"S":"hello"}"#, #"{"N":"12.5"}"#, #"{"B":"AAEC"}"#, #"{"BOOL":true}"#, #"{"NULL":true}"#,
        #"{"L":[{"S":"a"},{"N":"1"}]}"#, #"{"M":{"x":{"SS":["a","b"]}}}"#, #"{"NS":["1","2.5"]}"#, #"{"BS":["AA==","AQ=="]}"#,
        #"{"S":""}"#, #"{"L":[]}"#, #"{"M":{}}"#,
    ])
    func roundTrips(text: String) throws {
        let value = try decode(text)
        #expect(try decode(encode(value)) == value)
        #expect(encode(value) == text)
    }

    @Test func normalizesNumbers() throws {
        #expect(try decode(#"{"N":"1.50"}"#) == .n(try DynamoNumber(parsing: "1.5")))
        #expect(encode(try decode(#"{"NS":["1e3"]}"#)) == #"{"NS":["1000"]}"#)
    }

    @Test(arguments: [
        (#"{}"#, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (#"{"dog":"cat"}"#, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (#"{"S":"a","N":"1"}"#, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        (#"{"SS":[]}"#, "One or more parameter values were invalid: An string set  may not be empty"),
        (#"{"NS":[]}"#, "One or more parameter values were invalid: An number set  may not be empty"),
        (#"{"BS":[]}"#, "One or more parameter values were invalid: Binary sets should not be empty"),
        (#"{"SS":["a","a"]}"#, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
        (#"{"NULL":false}"#, "One or more parameter values were invalid: Null attribute value types must have the value of true"),
        (#"{"N":"dog"}"#, "The parameter cannot be converted to a numeric value: dog"),
        (#"{"N":"1e126"}"#, "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ])
    func rejectsInvalidValuesWithDynamoMessages(text: String, message: String) {
        #expect(throws: DynamoError.validation(message)) { try decode(text) }
    }

    @Test func rejectsNumericallyDuplicateNumberSetMembers() {
        #expect(throws: DynamoError.self) { try decode(#"{"NS":["1","1.0"]}"#) }
    }

    @Test(arguments: [
        (#"{"N":3}"#, "NUMBER_VALUE cannot be converted to String"),
        (#"{"S":true}"#, "TRUE_VALUE cannot be converted to String"),
        (#"{"B":"YWJjZGVmZ2g"}"#, "Base64 encoded length is expected a multiple of 4 bytes but found: 11"),
        (#"{"B":"YWJj??!!"}"#, "Invalid last non-pad Base64 character dectected"),
        (#"{"M":{"dog":"cat"}}"#, "Unexpected value type in payload"),
        (#"{"L":{}}"#, "Start of structure or map found where not expected"),
    ])
    func rejectsWrongJSONTypesAsSerializationErrors(text: String, message: String) {
        #expect(throws: DynamoError.serialization(message)) { try decode(text) }
    }

    @Test func allowsThirtyTwoLevelsOfNestingAndNoMore() throws {
        func nested(_ maps: Int) -> String {
            String(repeating: #"{"M":{"a":"#, count: maps - 1) + #"{"M":{}}"# + String(repeating: "}}", count: maps - 1)
        }
        let item31 = "{\"x\":\(nested(31))}"
        _ = try Item(itemJSON: JSONParser.parse(Array(item31.utf8)))
        let item32 = "{\"x\":\(nested(32))}"
        #expect(throws: DynamoError.self) { try Item(itemJSON: JSONParser.parse(Array(item32.utf8))) }
    }

    @Test func computesItemSizeAsDynamoDoes() throws {
        let item: Item = ["ab": .s("xyz"), "n": .n(try DynamoNumber(parsing: "123")), "b": .bool(true), "l": .l([.null])]
        // names 2+1+1+1, values 3 + 3 + 1 + (3 + 1 + 1)
        #expect(item.itemSize == 5 + 3 + 3 + 1 + 5)
    }
}
