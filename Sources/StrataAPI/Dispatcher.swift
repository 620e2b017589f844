import StrataExpressions
import StrataModel

/// Maps an `X-Amz-Target` to its operation: decode the typed input, run the
/// handler, write the typed output. One port serves DynamoDB and DynamoDB
/// Streams, as DynamoDB Local does.
struct Dispatcher {
    /// Runs one operation on a parsed request body.
    struct Route: Sendable {
        /// The operation's name, as metrics and logs call it.
        let name: String
        let run: @Sendable (DynamoAPI, RequestBody, RequestContext) async throws -> [UInt8]
    }

    static let dynamoDBPrefix = "DynamoDB_20120810."
    static let streamsPrefix = "DynamoDBStreams_20120810."

    private static let routes: [String: Route] = {
        var routes: [String: Route] = [:]
        /// `bulk`: a long request (a Scan page decoded, filtered and
        /// written), run on the engine's bulk threads so that it never
        /// holds an event loop or a request thread.
        func add<Input: OperationInput, Output: OperationOutput>(
            _ prefix: String, _ name: String, bulk: Bool = false,
            _ handle: @escaping @Sendable (DynamoAPI, Input, RequestContext) async throws -> Output
        ) {
            routes[prefix + name] = Route(name: name) { api, request, context in
                func run() async throws -> [UInt8] { try await handle(api, Input(request, cache: api.expressionCache), context).bytes }
                guard bulk else { return try await run() }
                return try await withTaskExecutorPreference(api.storage.bulkExecutor, operation: run)
            }
        }
        let dynamoDB = dynamoDBPrefix
        add(dynamoDB, "CreateTable") { try await $0.createTable($1, $2) }
        add(dynamoDB, "DescribeTable") { try await $0.describeTable($1, $2) }
        add(dynamoDB, "ListTables") { try await $0.listTables($1, $2) }
        add(dynamoDB, "UpdateTable") { try await $0.updateTable($1, $2) }
        add(dynamoDB, "DeleteTable") { try await $0.deleteTable($1, $2) }
        add(dynamoDB, "DescribeLimits") { try await $0.describeLimits($1, $2) }
        add(dynamoDB, "PutItem") { try await $0.putItem($1, $2) }
        add(dynamoDB, "GetItem") { try await $0.getItem($1, $2) }
        add(dynamoDB, "UpdateItem") { try await $0.updateItem($1, $2) }
        add(dynamoDB, "DeleteItem") { try await $0.deleteItem($1, $2) }
        add(dynamoDB, "Query") { try await $0.query($1, $2) }
        add(dynamoDB, "Scan", bulk: true) { try await $0.scan($1, $2) }
        add(dynamoDB, "BatchGetItem") { try await $0.batchGetItem($1, $2) }
        add(dynamoDB, "BatchWriteItem") { try await $0.batchWriteItem($1, $2) }
        add(dynamoDB, "TransactWriteItems") { try await $0.transactWriteItems($1, $2) }
        add(dynamoDB, "TransactGetItems") { try await $0.transactGetItems($1, $2) }
        add(dynamoDB, "UpdateTimeToLive") { try await $0.updateTimeToLive($1, $2) }
        add(dynamoDB, "DescribeTimeToLive") { try await $0.describeTimeToLive($1, $2) }
        add(dynamoDB, "TagResource") { try await $0.tagResource($1, $2) }
        add(dynamoDB, "UntagResource") { try await $0.untagResource($1, $2) }
        add(dynamoDB, "ListTagsOfResource") { try await $0.listTagsOfResource($1, $2) }
        add(dynamoDB, "DescribeEndpoints") { try await $0.describeEndpoints($1, $2) }
        add(dynamoDB, "PutResourcePolicy") { try await $0.putResourcePolicy($1, $2) }
        add(dynamoDB, "GetResourcePolicy") { try await $0.getResourcePolicy($1, $2) }
        add(dynamoDB, "DeleteResourcePolicy") { try await $0.deleteResourcePolicy($1, $2) }
        add(dynamoDB, "DescribeContinuousBackups") { try await $0.describeContinuousBackups($1, $2) }
        add(dynamoDB, "UpdateContinuousBackups") { try await $0.updateContinuousBackups($1, $2) }
        add(dynamoDB, "RestoreTableToPointInTime") { try await $0.restoreTableToPointInTime($1, $2) }
        add(dynamoDB, "CreateBackup") { try await $0.createBackup($1, $2) }
        add(dynamoDB, "DescribeBackup") { try await $0.describeBackup($1, $2) }
        add(dynamoDB, "ListBackups") { try await $0.listBackups($1, $2) }
        add(dynamoDB, "DeleteBackup") { try await $0.deleteBackup($1, $2) }
        add(dynamoDB, "RestoreTableFromBackup") { try await $0.restoreTableFromBackup($1, $2) }
        add(dynamoDB, "ExportTableToPointInTime") { try await $0.exportTableToPointInTime($1, $2) }
        add(dynamoDB, "DescribeExport") { try await $0.describeExport($1, $2) }
        add(dynamoDB, "ListExports") { try await $0.listExports($1, $2) }
        add(dynamoDB, "ImportTable") { try await $0.importTable($1, $2) }
        add(dynamoDB, "DescribeImport") { try await $0.describeImport($1, $2) }
        add(dynamoDB, "ListImports") { try await $0.listImports($1, $2) }
        add(dynamoDB, "DescribeContributorInsights") { try await $0.describeContributorInsights($1, $2) }
        add(dynamoDB, "DescribeKinesisStreamingDestination") { try await $0.describeKinesisStreamingDestination($1, $2) }
        add(dynamoDB, "ExecuteStatement") { try await $0.executeStatement($1, $2) }
        add(dynamoDB, "BatchExecuteStatement") { try await $0.batchExecuteStatement($1, $2) }
        add(dynamoDB, "ExecuteTransaction") { try await $0.executeTransaction($1, $2) }
        let streams = streamsPrefix
        add(streams, "ListStreams") { try await $0.listStreams($1, $2) }
        add(streams, "DescribeStream") { try await $0.describeStream($1, $2) }
        add(streams, "GetShardIterator") { try await $0.getShardIterator($1, $2) }
        add(streams, "GetRecords") { try await $0.getRecords($1, $2) }
        return routes
    }()

    /// The route of a full target such as `DynamoDB_20120810.GetItem`.
    static func route(for target: String) -> Route? {
        routes[target]
    }
}
