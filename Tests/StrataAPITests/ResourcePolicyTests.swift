import StrataAPI
import StrataModel
import Testing

/// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on a
/// table and on its stream: revisions, conditional changes, DynamoDB's
/// PolicyNotFoundException, and the document's checks.
@Suite struct ResourcePolicyTests {
    static let table = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"
    static let document = #"{\"Version\":\"2012-10-17\",\"Statement\":[]}"#

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { text } else { nil }
    }

    @Test func policiesArePutReadAndDeletedByRevision() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        let notFound = DynamoError.policyNotFound("Resource-based policy not found for the provided ResourceArn: \(Self.table)")
        #expect(await harness.error("GetResourcePolicy", #"{"ResourceArn":"\#(Self.table)"}"#) == notFound)
        let first = Self.string(await harness.success(
            "PutResourcePolicy", #"{"ResourceArn":"\#(Self.table)","Policy":"\#(Self.document)"}"#)["RevisionId"]) ?? ""
        let read = await harness.success("GetResourcePolicy", #"{"ResourceArn":"\#(Self.table)"}"#)
        #expect(Self.string(read["Policy"]) == #"{"Version":"2012-10-17","Statement":[]}"# && Self.string(read["RevisionId"]) == first)
        // A change conditional on an old revision is refused.
        let second = Self.string(await harness.success(
            "PutResourcePolicy", #"{"ResourceArn":"\#(Self.table)","Policy":"\#(Self.document)","ExpectedRevisionId":"\#(first)"}"#)["RevisionId"]) ?? ""
        #expect(second != first && !second.isEmpty)
        guard case .policyNotFound? = await harness.error(
            "DeleteResourcePolicy", #"{"ResourceArn":"\#(Self.table)","ExpectedRevisionId":"\#(first)"}"#) else {
            Issue.record("a stale revision was accepted")
            return
        }
        #expect(Self.string(await harness.success("DeleteResourcePolicy", #"{"ResourceArn":"\#(Self.table)"}"#)["RevisionId"]) == second)
        #expect(await harness.error("DeleteResourcePolicy", #"{"ResourceArn":"\#(Self.table)"}"#) == notFound)
    }

    @Test func aStreamHasItsOwnPolicy() async throws {
        let harness = try await APITestHarness()
        _ = await harness.success("CreateTable", """
            {"TableName":"tbl","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
             "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}
            """)
        guard case .object(let description)? = await harness.success("DescribeTable", #"{"TableName":"tbl"}"#)["Table"],
              let stream = Self.string(description["LatestStreamArn"]) else {
            Issue.record("no stream")
            return
        }
        _ = await harness.success("PutResourcePolicy", #"{"ResourceArn":"\#(stream)","Policy":"\#(Self.document)"}"#)
        #expect(await harness.success("GetResourcePolicy", #"{"ResourceArn":"\#(stream)"}"#)["Policy"] != nil)
        guard case .policyNotFound? = await harness.error("GetResourcePolicy", #"{"ResourceArn":"\#(Self.table)"}"#) else {
            Issue.record("the table shares its stream's policy")
            return
        }
    }

    @Test func documentsAndTagsAreChecked() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        #expect(await harness.error("PutResourcePolicy", #"{"ResourceArn":"\#(Self.table)","Policy":"not json"}"#)
            == .validation("One or more parameter values were invalid: The policy document is not a valid JSON object"))
        let large = String(repeating: "x", count: 21 * 1024)
        #expect(await harness.error("PutResourcePolicy", #"{"ResourceArn":"\#(Self.table)","Policy":"{\"a\":\"\#(large)\"}"}"#)
            == .validation("One or more parameter values were invalid: Policy document size exceeds the limit of 20 KB"))
        #expect(await harness.error("PutResourcePolicy", #"{"ResourceArn":"\#(Self.table)x","Policy":"\#(Self.document)"}"#)
            == .resourceNotFound("Requested resource not found: ResourcArn: \(Self.table)x not found"))
        #expect(await harness.error("TagResource", #"{"ResourceArn":"\#(Self.table)","Tags":[{"Key":"aws:owner","Value":"x"}]}"#)
            == .validation("One or more parameter values were invalid: Tag keys starting with 'aws:' are reserved for system use: aws:owner"))
    }
}
