import StrataAPI
import StrataModel
import Synchronization
import Testing

/// DynamoDB Streams through the API: StreamSpecification on CreateTable and
/// UpdateTable with DynamoDB's refusals, and the four Streams operations
/// reading records as a poller does, on a clock the test moves.
@Suite struct StreamsAPITests {
    final class MovableClock: WallClock {
        private let seconds = Mutex(1_800_000_000.0)
        func now() -> Double { seconds.withLock { $0 } }
        func advance(by interval: Double) { seconds.withLock { $0 += interval } }
    }

    static let streams = APITestHarness.streams

    static func createTable(_ harness: APITestHarness, stream: String? = #"{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}"#) async -> JSONObject {
        await harness.success("CreateTable", """
            {"TableName":"tbl","BillingMode":"PAY_PER_REQUEST",
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]
             \(stream.map { #","StreamSpecification":"# + $0 } ?? "")}
            """)
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { text } else { nil }
    }

    static func object(_ value: JSONValue?) -> JSONObject {
        if case .object(let object)? = value { object } else { JSONObject() }
    }

    static func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let elements)? = value { elements } else { [] }
    }

    /// The table's stream ARN, as DescribeTable reports it.
    static func latestARN(_ harness: APITestHarness) async -> String {
        string(object(await harness.success("DescribeTable", #"{"TableName":"tbl"}"#)["Table"])["LatestStreamArn"]) ?? ""
    }

    static func shardIDs(_ harness: APITestHarness, arn: String) async -> [String] {
        let description = object(await harness.success("DescribeStream", #"{"StreamArn":"\#(arn)"}"#, service: streams)["StreamDescription"])
        return array(description["Shards"]).compactMap { string(object($0)["ShardId"]) }
    }

    static func iterator(_ harness: APITestHarness, arn: String, shard: String, type: String, sequence: String? = nil) async -> String {
        let sequenceMember = sequence.map { #","SequenceNumber":"\#($0)""# } ?? ""
        return string(await harness.success(
            "GetShardIterator", #"{"StreamArn":"\#(arn)","ShardId":"\#(shard)","ShardIteratorType":"\#(type)"\#(sequenceMember)}"#,
            service: streams)["ShardIterator"]) ?? ""
    }

    /// Every record of every shard from TRIM_HORIZON, read `limit` at a time.
    static func drain(_ harness: APITestHarness, arn: String, limit: Int = 1) async -> [JSONObject] {
        var records: [JSONObject] = []
        for shard in await shardIDs(harness, arn: arn) {
            var iterator: String? = await Self.iterator(harness, arn: arn, shard: shard, type: "TRIM_HORIZON")
            while let current = iterator {
                let page = await harness.success("GetRecords", #"{"ShardIterator":"\#(current)","Limit":\#(limit)}"#, service: streams)
                let got = array(page["Records"]).map { object($0) }
                records += got
                iterator = got.isEmpty ? nil : string(page["NextShardIterator"])
            }
        }
        return records
    }

    @Test func aStreamIsEnabledDisabledAndEnabledAgainAsDynamoDBAllows() async throws {
        let clock = MovableClock()
        let harness = try await APITestHarness(clock: clock)
        let created = Self.object(await Self.createTable(harness)["TableDescription"])
        #expect(created["StreamSpecification"]
            == .object(JSONObject([("StreamEnabled", .bool(true)), ("StreamViewType", .string("NEW_AND_OLD_IMAGES"))])))
        let first = Self.string(created["LatestStreamArn"]) ?? ""
        #expect(first == "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/stream/2027-01-15T08:00:00.000")
        #expect(Self.string(created["LatestStreamLabel"]) == "2027-01-15T08:00:00.000")

        let enable = #"{"TableName":"tbl","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}"#
        #expect(await harness.error("UpdateTable", enable) == .validation("Table already has an enabled stream: TableName: tbl"))
        _ = await harness.success("UpdateTable", #"{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false}}"#)
        let disabled = Self.object(await harness.success("DescribeTable", #"{"TableName":"tbl"}"#)["Table"])
        #expect(disabled["StreamSpecification"] == nil)
        #expect(Self.string(disabled["LatestStreamArn"]) == first)
        #expect(await harness.error("UpdateTable", #"{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false}}"#)
            == .validation("Table has no stream to disable: TableName: tbl"))
        let closed = Self.object(await harness.success("DescribeStream", #"{"StreamArn":"\#(first)"}"#, service: Self.streams)["StreamDescription"])
        #expect(closed["StreamStatus"] == .string("DISABLED"))
        #expect(Self.array(closed["Shards"]).allSatisfy { Self.object(Self.object($0)["SequenceNumberRange"])["EndingSequenceNumber"] != nil })

        clock.advance(by: 1)
        _ = await harness.success("UpdateTable", enable)
        let second = await Self.latestARN(harness)
        #expect(second != first)
        let listed = Self.array(await harness.success("ListStreams", #"{"TableName":"tbl"}"#, service: Self.streams)["Streams"])
        #expect(listed.map { Self.string(Self.object($0)["StreamArn"]) } == [first, second])
        let paged = await harness.success("ListStreams", #"{"Limit":1}"#, service: Self.streams)
        #expect(Self.string(paged["LastEvaluatedStreamArn"]) == first)
        let rest = await harness.success("ListStreams", #"{"Limit":1,"ExclusiveStartStreamArn":"\#(first)"}"#, service: Self.streams)
        #expect(Self.array(rest["Streams"]).count == 1 && rest["LastEvaluatedStreamArn"] == nil)

        // A day after it was disabled, the first stream is gone.
        clock.advance(by: 24 * 3600)
        #expect(await harness.error("DescribeStream", #"{"StreamArn":"\#(first)"}"#, service: Self.streams)
            == .resourceNotFound("Requested resource not found: Stream: \(first) not found"))
    }

    @Test(arguments: [
        (#"{"StreamEnabled":true}"#,
         // AWS's words, from a catalogue of messages checked against AWS in 2026-10 (ack-api-quirks DDB-TABLE-442).
         DynamoError.validation("One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required")),
        (#"{"StreamEnabled":true,"StreamViewType":"Fisk"}"#,
         .validation("1 validation error detected: Value 'Fisk' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES]")),
        (#"{"StreamViewType":"KEYS_ONLY"}"#,
         .validation("1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null")),
    ])
    func malformedSpecificationsAreRefused(specification: String, expected: DynamoError) async throws {
        let harness = try await APITestHarness()
        #expect(await harness.error("CreateTable", """
            {"TableName":"tbl","BillingMode":"PAY_PER_REQUEST","StreamSpecification":\(specification),
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]}
            """) == expected)
    }

    @Test func recordsFollowEveryChangeAndIteratorsPage() async throws {
        let harness = try await APITestHarness()
        _ = await Self.createTable(harness)
        let arn = await Self.latestARN(harness)
        for body in [
            #"{"TableName":"tbl","Item":{"pk":{"S":"a"},"n":{"N":"1"}}}"#,
            #"{"TableName":"tbl","Item":{"pk":{"S":"a"},"n":{"N":"1"}}}"#,
            #"{"TableName":"tbl","Item":{"pk":{"S":"a"},"n":{"N":"2"}}}"#,
        ] { _ = await harness.success("PutItem", body) }
        _ = await harness.success("DeleteItem", #"{"TableName":"tbl","Key":{"pk":{"S":"a"}}}"#)
        _ = await harness.success("DeleteItem", #"{"TableName":"tbl","Key":{"pk":{"S":"a"}}}"#)

        let records = await Self.drain(harness, arn: arn)
        #expect(records.map { Self.string($0["eventName"]) } == ["INSERT", "MODIFY", "REMOVE"])
        let changes = records.map { Self.object($0["dynamodb"]) }
        #expect(changes.map { $0["Keys"] } == Array(repeating: .object(JSONObject([("pk", .object(JSONObject([("S", .string("a"))])))])), count: 3))
        #expect(changes.map { $0["NewImage"] != nil } == [true, true, false])
        #expect(changes.map { $0["OldImage"] != nil } == [false, true, true])
        let sequences = changes.compactMap { Self.string($0["SequenceNumber"]) }
        #expect(sequences.count == 3 && sequences == sequences.sorted() && sequences.allSatisfy { $0.count == 21 })
        #expect(records.allSatisfy { $0["eventSource"] == .string("aws:dynamodb") && $0["awsRegion"] == .string("us-east-1") })

        // AT and AFTER a sequence number, and LATEST, in the shard that has them.
        var found: String?
        for shard in await Self.shardIDs(harness, arn: arn) where found == nil {
            let iterator = await Self.iterator(harness, arn: arn, shard: shard, type: "TRIM_HORIZON")
            let page = await harness.success("GetRecords", #"{"ShardIterator":"\#(iterator)"}"#, service: Self.streams)
            if !Self.array(page["Records"]).isEmpty { found = shard }
        }
        guard let shard = found else {
            Issue.record("no shard has the records")
            return
        }
        let after = await Self.iterator(harness, arn: arn, shard: shard, type: "AFTER_SEQUENCE_NUMBER", sequence: sequences[0])
        let afterPage = await harness.success("GetRecords", #"{"ShardIterator":"\#(after)"}"#, service: Self.streams)
        #expect(Self.array(afterPage["Records"]).map { Self.string(Self.object(Self.object($0)["dynamodb"])["SequenceNumber"]) } == [sequences[1], sequences[2]])
        let at = await Self.iterator(harness, arn: arn, shard: shard, type: "AT_SEQUENCE_NUMBER", sequence: sequences[2])
        #expect(Self.array(await harness.success("GetRecords", #"{"ShardIterator":"\#(at)"}"#, service: Self.streams)["Records"]).count == 1)
        let latest = await Self.iterator(harness, arn: arn, shard: shard, type: "LATEST")
        let empty = await harness.success("GetRecords", #"{"ShardIterator":"\#(latest)"}"#, service: Self.streams)
        #expect(Self.array(empty["Records"]).isEmpty && empty["NextShardIterator"] != nil)

        // Disabled: the shard is closed, read to its end, then no next iterator.
        _ = await harness.success("UpdateTable", #"{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false}}"#)
        let end = Self.string(empty["NextShardIterator"]) ?? ""
        #expect(await harness.success("GetRecords", #"{"ShardIterator":"\#(end)"}"#, service: Self.streams)["NextShardIterator"] == nil)
        #expect(await Self.drain(harness, arn: arn, limit: 1000).count == 3)
    }

    @Test func iteratorsExpireAfterFifteenMinutes() async throws {
        let clock = MovableClock()
        let harness = try await APITestHarness(clock: clock)
        _ = await Self.createTable(harness)
        let arn = await Self.latestARN(harness)
        let shard = await Self.shardIDs(harness, arn: arn)[0]
        let iterator = await Self.iterator(harness, arn: arn, shard: shard, type: "LATEST")
        clock.advance(by: 15 * 60)
        _ = await harness.success("GetRecords", #"{"ShardIterator":"\#(iterator)"}"#, service: Self.streams)
        clock.advance(by: 1)
        let error = await harness.error("GetRecords", #"{"ShardIterator":"\#(iterator)"}"#, service: Self.streams)
        guard case .expiredIterator? = error else {
            Issue.record("an iterator 15 minutes and 1 second old was answered: \(String(describing: error))")
            return
        }
    }

    @Test func malformedStreamRequestsAreRefused() async throws {
        let harness = try await APITestHarness()
        _ = await Self.createTable(harness)
        let arn = await Self.latestARN(harness)
        let shard = await Self.shardIDs(harness, arn: arn)[0]
        let bogusARN = String(repeating: "x", count: 40)
        let cases: [(String, String, DynamoError)] = [
            ("ListStreams", #"{"Limit":0}"#,
             .validation("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")),
            ("ListStreams", #"{"ExclusiveStartStreamArn":"\#(bogusARN)"}"#, .validation("Invalid StreamArn: \(bogusARN)")),
            ("DescribeStream", #"{"StreamArn":"\#(bogusARN)"}"#, .validation("Invalid StreamArn: \(bogusARN)")),
            ("DescribeStream", #"{"StreamArn":"\#(arn.replacing("table/tbl", with: "table/other"))"}"#,
             .resourceNotFound("Requested resource not found: Stream: \(arn.replacing("table/tbl", with: "table/other")) not found")),
            ("DescribeStream", #"{"StreamArn":"\#(arn)","ShardFilter":{"Type":"CHILD_SHARDS","ShardId":"qwerty"}}"#,
             .validation("1 validation error detected: Value 'qwerty' at 'shardFilter.shardId' failed to satisfy constraint: Member must have length greater than or equal to 28")),
            ("GetShardIterator", #"{"StreamArn":"\#(arn)","ShardId":"\#(shard)","ShardIteratorType":"AT_SEQUENCE_NUMBER"}"#,
             .validation("Must specify a sequence number for iterator type AT_SEQUENCE_NUMBER")),
            ("GetShardIterator", #"{"StreamArn":"\#(arn)","ShardId":"\#(shard)","ShardIteratorType":"LATEST","SequenceNumber":"000000000000000000001"}"#,
             .validation("Sequence number must not be specified for iterator type LATEST")),
            ("GetShardIterator", #"{"StreamArn":"\#(arn)","ShardId":"shardId-00000000000000000000-00000000","ShardIteratorType":"LATEST"}"#,
             .resourceNotFound("Requested resource not found: Shard does not exist")),
            ("GetRecords", #"{"ShardIterator":"garbage"}"#, .validation("Invalid ShardIterator")),
            ("GetRecords", #"{"ShardIterator":"garbage","Limit":1001}"#,
             .validation("1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000")),
        ]
        for (operation, body, expected) in cases {
            #expect(await harness.error(operation, body, service: Self.streams) == expected, "\(operation) \(body)")
        }
        // A shard of a stream past the end of the list: no shards, no error.
        let beyond = await harness.success(
            "DescribeStream", #"{"StreamArn":"\#(arn)","ExclusiveStartShardId":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}"#, service: Self.streams)
        #expect(Self.array(Self.object(beyond["StreamDescription"])["Shards"]).isEmpty)
    }
}
