import StrataAPI
import StrataModel
import Testing

@Suite struct TableOperationTests {
    struct FixedClock: WallClock {
        let seconds: Double
        func now() -> Double { seconds }
    }

    @Test func newTablesGetRandomUUIDsAndTheClocksTime() async throws {
        let harness = try await APITestHarness(clock: FixedClock(seconds: 1_700_000_000.25))
        var ids: Set<String> = []
        for name in ["one", "two"] {
            let created = await harness.success(
                "CreateTable",
                #"{"TableName":"\#(name)","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#)
            guard case .object(let table)? = created["TableDescription"], case .string(let id)? = table["TableId"] else {
                Issue.record("no TableId")
                return
            }
            let groups = id.split(separator: "-").map(\.count)
            #expect(groups == [8, 4, 4, 4, 12])
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
            #expect(Array(id)[14] == "4")
            #expect(table["CreationDateTime"] == .number("1700000000.25"))
            ids.insert(id)
        }
        #expect(ids.count == 2)
    }

    @Test func createDescribeListAndDelete() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("orders")
        let described = await harness.success("DescribeTable", #"{"TableName":"orders"}"#)
        guard case .object(let table)? = described["Table"] else {
            Issue.record("no Table")
            return
        }
        #expect(table["TableStatus"] == .string("ACTIVE"))
        #expect(table["ItemCount"] == .number("0"))
        #expect(table["TableArn"] == .string("arn:aws:dynamodb:us-east-1:000000000000:table/orders"))
        let listed = await harness.success("ListTables", "{}")
        #expect(listed["TableNames"] == .array([.string("orders")]))
        let deleted = await harness.success("DeleteTable", #"{"TableName":"orders"}"#)
        guard case .object(let description)? = deleted["TableDescription"] else {
            Issue.record("no TableDescription")
            return
        }
        #expect(description["TableStatus"] == .string("DELETING"))
        #expect(description["KeySchema"] == nil)
        #expect(await harness.error("DescribeTable", #"{"TableName":"orders"}"#)
            == .resourceNotFound("Requested resource not found: Table: orders not found"))
    }

    @Test func listTablesPagesInNameOrder() async throws {
        let harness = try await APITestHarness()
        for name in ["ccc", "aaa", "bbb", "ddd"] { await harness.createTable(name) }
        let first = await harness.success("ListTables", #"{"Limit":2}"#)
        #expect(first["TableNames"] == .array([.string("aaa"), .string("bbb")]))
        #expect(first["LastEvaluatedTableName"] == .string("bbb"))
        let second = await harness.success("ListTables", #"{"Limit":2,"ExclusiveStartTableName":"bbb"}"#)
        #expect(second["TableNames"] == .array([.string("ccc"), .string("ddd")]))
        #expect(second["LastEvaluatedTableName"] == nil)
    }

    @Test(arguments: [
        (#"{"TableName":"nn","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"}]}"#,
         "1 validation error detected: Value 'nn' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"),
        (#"{"TableName":"abc","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"Q"}]}"#,
         "1 validation error detected: Value 'Q' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"),
        (#"{"TableName":"abc","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"c","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"z","AttributeType":"S"}]}"#,
         "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [c], AttributeDefinitions: [z]"),
        (#"{"TableName":"abc","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"},{"AttributeName":"c","AttributeType":"S"}]}"#,
         "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"),
        (#"{"TableName":"abc","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"}]}"#,
         "No provisioned throughput specified for the table"),
        (#"{"TableName":"abc","BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},"KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"}]}"#,
         "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"),
    ])
    func createTableValidation(body: String, message: String) async throws {
        let harness = try await APITestHarness()
        #expect(await harness.error("CreateTable", body) == .validation(message))
    }

    @Test func duplicateTableIsResourceInUse() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("twice")
        let body = #"{"TableName":"twice","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]}"#
        #expect(await harness.error("CreateTable", body) == .resourceInUse("Table already exists: twice"))
    }

    @Test func updateTableSwitchesBillingAndRejectsNoChange() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("billing")
        let updated = await harness.success("UpdateTable",
            #"{"TableName":"billing","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7}}"#)
        guard case .object(let description)? = updated["TableDescription"], case .object(let throughput)? = description["ProvisionedThroughput"] else {
            Issue.record("no ProvisionedThroughput")
            return
        }
        #expect(throughput["ReadCapacityUnits"] == .number("5"))
        #expect(throughput["WriteCapacityUnits"] == .number("7"))
        let same = await harness.error("UpdateTable",
            #"{"TableName":"billing","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7}}"#)
        #expect(same?.typeName == "ValidationException")
        #expect(await harness.error("UpdateTable", #"{"TableName":"billing"}"#)?.typeName == "ValidationException")
    }
}
