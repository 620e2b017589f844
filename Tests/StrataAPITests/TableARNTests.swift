import StrataAPI
import StrataModel
import Testing

/// A table's ARN wherever a TableName goes, as DynamoDB accepts since 2024:
/// single-item, batch and transaction requests and the control plane work,
/// and answers name the table as the request did.
@Suite struct TableARNTests {
    static let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"

    @Test func everyOperationTakesTheTablesARN() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        let put = await harness.success(
            "PutItem", #"{"TableName":"\#(Self.arn)","Item":{"pk":{"S":"a"},"n":{"N":"1"}},"ReturnConsumedCapacity":"TOTAL"}"#)
        #expect(put["ConsumedCapacity"] == .object(JSONObject([("TableName", .string(Self.arn)), ("CapacityUnits", .number("1.0"))])))
        let got = await harness.success("GetItem", #"{"TableName":"\#(Self.arn)","Key":{"pk":{"S":"a"}}}"#)
        #expect(got["Item"] != nil)
        guard case .object(let table)? = await harness.success("DescribeTable", #"{"TableName":"\#(Self.arn)"}"#)["Table"] else {
            Issue.record("no table")
            return
        }
        #expect(table["TableName"] == .string("tbl") && table["TableArn"] == .string(Self.arn))
        _ = await harness.success(
            "BatchWriteItem", #"{"RequestItems":{"\#(Self.arn)":[{"PutRequest":{"Item":{"pk":{"S":"b"}}}}]}}"#)
        let batch = await harness.success("BatchGetItem", #"{"RequestItems":{"\#(Self.arn)":{"Keys":[{"pk":{"S":"a"}},{"pk":{"S":"b"}}]}}}"#)
        guard case .object(let responses)? = batch["Responses"], case .array(let items)? = responses[Self.arn] else {
            Issue.record("the batch answer is not keyed by the ARN: \(batch)")
            return
        }
        #expect(items.count == 2)
        _ = await harness.success(
            "TransactWriteItems", #"{"TransactItems":[{"Delete":{"TableName":"\#(Self.arn)","Key":{"pk":{"S":"b"}}}}]}"#)
        let query = await harness.success(
            "Query", #"{"TableName":"\#(Self.arn)","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"b"}}}"#)
        #expect(query["Count"] == .number("0"))
    }

    @Test func otherAccountsAndMalformedARNsAreRefused() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        let other = Self.arn.replacing("000000000000", with: "111111111111")
        #expect(await harness.error("GetItem", #"{"TableName":"\#(other)","Key":{"pk":{"S":"a"}}}"#)
            == .resourceNotFound("Requested resource not found"))
        let malformed = Self.arn.replacing("table/", with: "tabel/")
        #expect(await harness.error("GetItem", #"{"TableName":"\#(malformed)","Key":{"pk":{"S":"a"}}}"#)
            == .validation("1 validation error detected: Value '\(malformed)' at 'tableName' failed to satisfy constraint: Member must be a table name or a table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)"))
    }

    @Test func aTableIsCreatedByItsOwnARNAndNoOther() async throws {
        let harness = try await APITestHarness()
        let schema = #""BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]"#
        let created = await harness.success("CreateTable", #"{"TableName":"\#(Self.arn)",\#(schema)}"#)
        guard case .object(let table)? = created["TableDescription"] else {
            Issue.record("no table description: \(created)")
            return
        }
        #expect(table["TableName"] == .string("tbl") && table["TableArn"] == .string(Self.arn))
        let other = Self.arn.replacing("us-east-1", with: "eu-west-1").replacing("/tbl", with: "/other")
        #expect(await harness.error("CreateTable", #"{"TableName":"\#(other)",\#(schema)}"#)
            == .validation("The table ARN \(other) is not of this region and account: expected arn:aws:dynamodb:us-east-1:000000000000:table/other"))
    }
}
