import StrataModel
@testable import StrataAPI
import Testing

/// What an import makes of a line: a DynamoDB JSON item, a CSV record
/// typed by the table's key attributes (quotes, doubled quotes, another
/// delimiter, empty fields left out), or why the line holds no valid item.
@Suite struct ImportItemsTests {
    static let schema = KeySchema(partitionKey: .init(name: "pk", type: .string), sortKey: .init(name: "sk", type: .number))
    static let definitions = [KeyAttribute(name: "pk", type: .string), KeyAttribute(name: "sk", type: .number)]

    static func bytes(_ text: String) -> ArraySlice<UInt8> {
        Array(text.utf8)[...]
    }

    @Test func dynamoDBJSONLinesBecomeItems() throws {
        var items = ImportItems(format: .dynamoDBJSON, delimiter: 44, header: nil, definitions: Self.definitions)
        let entry = try items.entry(Self.bytes(#"{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"tags":{"SS":["x","y"]},"m":{"M":{"b":{"BOOL":true}}}}}"#), schema: Self.schema).get()
        #expect(entry?.key == PrimaryKey(partition: .s("a"), sort: .n(DynamoNumber(1))))
        #expect(try entry?.item.item()["m"] == .m(["b": .bool(true)]))
        #expect(try items.entry(Self.bytes("   "), schema: Self.schema).get() == nil)
        for bad in [#"{"pk":{"S":"a"}}"#, #"{"Item":{"pk":{"S":"a"}}}"#, #"{"Item":{"pk":{"S":"a"},"sk":{"S":"1"}}}"#, "not json"] {
            guard case .failure = items.entry(Self.bytes(bad), schema: Self.schema) else {
                Issue.record("\(bad) was accepted")
                continue
            }
        }
    }

    @Test func csvRecordsTakeTheirHeaderAndKeyTypes() throws {
        var items = ImportItems(format: .csv, delimiter: 44, header: nil, definitions: Self.definitions)
        #expect(try items.entry(Self.bytes("pk,sk,note,empty"), schema: Self.schema).get() == nil)
        let entry = try items.entry(Self.bytes(#"a,7,"says ""hi"", twice","#), schema: Self.schema).get()
        #expect(try entry?.item.item() == ["pk": .s("a"), "sk": .n(DynamoNumber(7)), "note": .s(#"says "hi", twice"#)])
        guard case .failure = items.entry(Self.bytes("a,seven,x,"), schema: Self.schema) else {
            Issue.record("a sort key that is not a number was accepted")
            return
        }
        guard case .failure = items.entry(Self.bytes("a,1"), schema: Self.schema) else {
            Issue.record("a record short of fields was accepted")
            return
        }
        var semicolons = ImportItems(format: .csv, delimiter: UInt8(ascii: ";"), header: ["pk", "sk"], definitions: Self.definitions)
        #expect(try semicolons.entry(Self.bytes("b;2"), schema: Self.schema).get()?.key == PrimaryKey(partition: .s("b"), sort: .n(DynamoNumber(2))))
    }
}
