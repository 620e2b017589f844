import StrataAPI
import StrataModel
import Testing

/// TagResource, UntagResource and ListTagsOfResource on a table's ARN, with
/// DynamoDB's limits and its refusals of other ARNs.
@Suite struct TagsAPITests {
    static let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"

    static func tags(_ pairs: [(String, String)]) -> String {
        "[" + pairs.map { #"{"Key":"\#($0.0)","Value":"\#($0.1)"}"# }.joined(separator: ",") + "]"
    }

    static func listed(_ harness: APITestHarness) async -> JSONValue? {
        await harness.success("ListTagsOfResource", #"{"ResourceArn":"\#(arn)"}"#)["Tags"]
    }

    static func pairs(_ pairs: [(String, String)]) -> JSONValue {
        .array(pairs.map { .object(JSONObject([("Key", .string($0.0)), ("Value", .string($0.1))])) })
    }

    @Test func tagsAreAddedReplacedAndRemoved() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        #expect(await Self.listed(harness) == .array([]))
        #expect(await harness.bytes("TagResource", #"{"ResourceArn":"\#(Self.arn)","Tags":\#(Self.tags([("a", "1"), ("b", ""), ("c d", "x:y/z")]))}"#) == .success([]))
        #expect(await harness.bytes("TagResource", #"{"ResourceArn":"\#(Self.arn)","Tags":\#(Self.tags([("a", "2")]))}"#) == .success([]))
        #expect(await Self.listed(harness) == Self.pairs([("a", "2"), ("b", ""), ("c d", "x:y/z")]))
        #expect(await harness.bytes("UntagResource", #"{"ResourceArn":"\#(Self.arn)","TagKeys":["b","absent"]}"#) == .success([]))
        #expect(await Self.listed(harness) == Self.pairs([("a", "2"), ("c d", "x:y/z")]))
    }

    @Test func aTableCarriesFiftyTagsAtMost() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        let thirty = Self.tags((0..<30).map { ("k\($0)", "v") }), more = Self.tags((30..<51).map { ("k\($0)", "v") })
        #expect(await harness.bytes("TagResource", #"{"ResourceArn":"\#(Self.arn)","Tags":\#(thirty)}"#) == .success([]))
        #expect(await harness.error("TagResource", #"{"ResourceArn":"\#(Self.arn)","Tags":\#(more)}"#)
            == .validation("One or more parameter values were invalid: Number of tags exceeds the limit of 50"))
        #expect(await Self.listed(harness).map { if case .array(let a) = $0 { a.count } else { 0 } } == 30)
    }

    @Test func otherResourcesAndMalformedTagsAreRefused() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        let one = Self.tags([("k", "v")])
        let cases: [(String, DynamoError)] = [
            (#"{"ResourceArn":"I_do_not_exist","Tags":\#(one)}"#, .validation("Invalid TableArn: ARNs must start with 'arn:': I_do_not_exist")),
            (#"{"ResourceArn":"\#(Self.arn)/index/gsi","Tags":\#(one)}"#,
             .validation("Invalid TableArn: Invalid ResourceArn provided as input \(Self.arn)/index/gsi")),
            (#"{"ResourceArn":"\#(Self.arn)x","Tags":\#(one)}"#,
             .resourceNotFound("Requested resource not found: ResourcArn: \(Self.arn)x not found")),
            (#"{"ResourceArn":"\#(Self.arn)","Tags":[]}"#, .validation("Atleast one Tag needs to be provided as Input.")),
            (#"{"ResourceArn":"\#(Self.arn)","Tags":\#(Self.tags([("hi!", "v")]))}"#,
             .validation(#"1 validation error detected: Value 'hi!' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"#)),
            (#"{"ResourceArn":"\#(Self.arn)","Tags":[{"Key":"k"}]}"#,
             .validation("1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null")),
            (#"{"ResourceArn":"\#(Self.arn)","Tags":\#(Self.tags([(String(repeating: "k", count: 129), "v")]))}"#,
             .validation("1 validation error detected: Value '\(String(repeating: "k", count: 129))' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128")),
        ]
        for (body, expected) in cases {
            #expect(await harness.error("TagResource", body) == expected, "\(body)")
        }
    }
}
