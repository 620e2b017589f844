import Logging
import StrataAPI
import StrataModel
import Testing

/// How a target reaches its operation.
@Suite struct DispatcherTests {
    private func answer(_ harness: APITestHarness, target: String) async -> Result<[UInt8], DynamoError> {
        await harness.api.handle(
            target: target, body: Array(#"{"TableName":"absent"}"#.utf8),
            context: RequestContext(requestID: "dispatch", logger: Logger(label: "strata-test")))
    }

    @Test(arguments: [
        ("DynamoDB_20120810.DescribeTable", DynamoError.resourceNotFound("Requested resource not found: Table: absent not found")),
        ("DescribeTable", .unknownOperation),
        ("DynamoDB_20120810.describeTable", .unknownOperation),
        ("DynamoDB_20111205.DescribeTable", .unknownOperation),
        // The streams service shares the port, with its own operations.
        ("DynamoDBStreams_20120810.ListStreams", .resourceNotFound("Requested resource not found: Table: absent not found")),
        ("DynamoDBStreams_20120810.DescribeTable", .unknownOperation),
        ("DynamoDB_20120810.ListStreams", .unknownOperation),
        ("", .unknownOperation),
    ])
    func targetsRouteByServiceAndOperation(target: String, expected: DynamoError) async throws {
        let harness = try await APITestHarness()
        guard case .failure(let error) = await answer(harness, target: target) else {
            Issue.record("\(target) succeeded")
            return
        }
        #expect(error == expected)
    }

    @Test func everyDynamoDBOperationIsRouted() async throws {
        let harness = try await APITestHarness()
        for operation in [
            "CreateTable", "DescribeTable", "ListTables", "UpdateTable", "DeleteTable", "DescribeLimits", "PutItem", "GetItem",
            "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
            "UpdateTimeToLive", "DescribeTimeToLive", "TagResource", "UntagResource", "ListTagsOfResource",
            "DescribeEndpoints", "DescribeContinuousBackups", "DescribeContributorInsights", "DescribeKinesisStreamingDestination",
            "PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy",
        ] {
            let result = await answer(harness, target: "DynamoDB_20120810." + operation)
            if case .failure(let error) = result {
                #expect(error != .unknownOperation, "\(operation)")
            }
        }
    }
}
