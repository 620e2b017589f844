import StrataAPI
import StrataModel
import Testing

/// UpdateTimeToLive and DescribeTimeToLive: DynamoDB's checks and
/// messages, and its refusal of a second change within the cooldown.
@Suite struct TimeToLiveAPITests {
    static func update(_ attribute: String, enabled: Bool) -> String {
        #"{"TableName":"tbl","TimeToLiveSpecification":{"AttributeName":"\#(attribute)","Enabled":\#(enabled)}}"#
    }

    @Test func enableDescribeAndTheErrorsAround() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        #expect(await harness.success("DescribeTimeToLive", #"{"TableName":"tbl"}"#)["TimeToLiveDescription"]
            == .object(JSONObject([("TimeToLiveStatus", .string("DISABLED"))])))
        #expect(await harness.error("UpdateTimeToLive", Self.update("exp", enabled: false))
            == .validation("TimeToLive is already disabled"))
        let enabled = await harness.success("UpdateTimeToLive", Self.update("exp", enabled: true))
        #expect(enabled["TimeToLiveSpecification"] == .object(JSONObject([("Enabled", .bool(true)), ("AttributeName", .string("exp"))])))
        #expect(await harness.success("DescribeTimeToLive", #"{"TableName":"tbl"}"#)["TimeToLiveDescription"]
            == .object(JSONObject([("TimeToLiveStatus", .string("ENABLED")), ("AttributeName", .string("exp"))])))
        #expect(await harness.error("UpdateTimeToLive", Self.update("exp", enabled: true)) == .validation("TimeToLive is already enabled"))
        #expect(await harness.error("UpdateTimeToLive", Self.update("other", enabled: false))
            == .validation("TimeToLive is active on a different AttributeName: current AttributeName is exp"))
        // DynamoDB's hour between changes.
        #expect(await harness.error("UpdateTimeToLive", Self.update("exp", enabled: false))
            == .validation("Time to live has been modified multiple times within a fixed interval"))
        #expect(await harness.error("UpdateTimeToLive", Self.update("exp", enabled: true).replacing("tbl", with: "nosuch"))
            == .resourceNotFound("Requested resource not found"))
    }

    @Test(arguments: [
        (#"{"TableName":"tbl"}"#,
         "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null"),
        (#"{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":true}}"#,
         "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null"),
        (#"{"TableName":"tbl","TimeToLiveSpecification":{"AttributeName":"x"}}"#,
         "1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null"),
        (#"{"TableName":"tbl","TimeToLiveSpecification":{"AttributeName":"","Enabled":true}}"#,
         "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    ])
    func malformedSpecificationsAreRefused(body: String, message: String) async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        #expect(await harness.error("UpdateTimeToLive", body) == .validation(message))
    }
}
