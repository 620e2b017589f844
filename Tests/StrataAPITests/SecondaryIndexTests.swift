import StrataAPI
import StrataModel
import Testing

/// Secondary indexes through the API: CreateTable's and UpdateTable's
/// checks, Query key conditions on multi-attribute keys, the select rules,
/// and what writes cost each index.
@Suite struct SecondaryIndexTests {
    /// A CreateTable body: table key pk (S) + sk (S), the given
    /// definitions besides, and index lists as JSON.
    static func createTable(
        definitions: [String] = ["a", "b", "c", "d"], globals: String? = nil, locals: String? = nil, billing: String = "PAY_PER_REQUEST",
        tableUnits: Int = 5
    ) -> String {
        let attributes = (["pk", "sk"] + definitions).map { #"{"AttributeName":"\#($0)","AttributeType":"S"}"# }.joined(separator: ",")
        var body = #"{"TableName":"tbl","BillingMode":"\#(billing)","AttributeDefinitions":[\#(attributes)],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]"#
        if billing == "PROVISIONED" { body += #","ProvisionedThroughput":{"ReadCapacityUnits":\#(tableUnits),"WriteCapacityUnits":\#(tableUnits)}"# }
        if let globals { body += #","GlobalSecondaryIndexes":\#(globals)"# }
        if let locals { body += #","LocalSecondaryIndexes":\#(locals)"# }
        return body + "}"
    }

    static func index(_ name: String, _ keys: [(String, String)], projection: String = #"{"ProjectionType":"ALL"}"#) -> String {
        let schema = keys.map { #"{"AttributeName":"\#($0.0)","KeyType":"\#($0.1)"}"# }.joined(separator: ",")
        return #"{"IndexName":"\#(name)","KeySchema":[\#(schema)],"Projection":\#(projection)}"#
    }

    @Test(arguments: [
        (createTable(definitions: ["a"], globals: "[\(index("gs1", [("a", "HASH")])), \(index("gs1", [("a", "HASH")]))]"),
         "One or more parameter values were invalid: Duplicate index name: gs1"),
        (createTable(definitions: ["a"], globals: "[\(index("gs1", [("zz", "HASH")]))]"),
         "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [zz], AttributeDefinitions: [pk, sk, a]"),
        (createTable(definitions: ["a", "b"], globals: "[\(index("gs1", [("a", "HASH")]))]"),
         "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, a, b], keys used: [pk, sk, a]"),
        (createTable(definitions: ["a", "b"], globals: "[\(index("gs1", [("a", "RANGE"), ("b", "HASH")]))]"),
         "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
        (createTable(definitions: ["a", "b", "c"], globals: "[\(index("gs1", [("a", "HASH"), ("b", "RANGE"), ("c", "HASH")]))]"),
         "One or more parameter values were invalid: All HASH key attributes must precede RANGE key attributes in the KeySchema"),
        (createTable(definitions: ["a", "b", "c", "d", "e"], globals: "[\(index("gs1", [("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH"), ("e", "HASH")]))]"),
         "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of HASH key attributes"),
        (createTable(definitions: ["a"], locals: "[\(index("ls1", [("a", "HASH"), ("sk", "RANGE")]))]"),
         "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: ls1. index hash key: a, table hash key: pk"),
        (createTable(definitions: ["a"], globals: "[\(index("gs1", [("a", "HASH")], projection: #"{"ProjectionType":"INCLUDE"}"#))]"),
         "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
        (createTable(definitions: ["a"], globals: "[\(index("gs1", [("a", "HASH")]))]", billing: "PROVISIONED"),
         "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: gs1"),
    ])
    func createTableRefusesWhatDynamoDBRefuses(body: String, message: String) async throws {
        let harness = try await APITestHarness()
        #expect(await harness.error("CreateTable", body) == .validation(message))
    }

    /// A table with a global index keyed by two HASH and two RANGE attributes.
    static func multiAttributeTable(_ harness: APITestHarness) async {
        _ = await harness.success("CreateTable", createTable(globals: "[\(index("gsi", [("a", "HASH"), ("b", "HASH"), ("c", "RANGE"), ("d", "RANGE")]))]"))
        for (sk, c, d) in [("1", "x", "1"), ("2", "x", "2"), ("3", "y", "1"), ("4", "x", "3")] {
            _ = await harness.success("PutItem", #"{"TableName":"tbl","Item":{"pk":{"S":"p"},"sk":{"S":"\#(sk)"},"a":{"S":"A"},"b":{"S":"B"},"c":{"S":"\#(c)"},"d":{"S":"\#(d)"}}}"#)
        }
    }

    static func query(_ condition: String, values: String) -> String {
        #"{"TableName":"tbl","IndexName":"gsi","KeyConditionExpression":"\#(condition)","ExpressionAttributeValues":{\#(values)}}"#
    }

    @Test func multiAttributeKeysQueryByEveryHashAndARangePrefix() async throws {
        let harness = try await APITestHarness()
        await Self.multiAttributeTable(harness)
        let found = await harness.success("Query", Self.query("a = :a AND b = :b AND c = :c AND d >= :d", values: #"":a":{"S":"A"},":b":{"S":"B"},":c":{"S":"x"},":d":{"S":"2"}"#))
        guard case .array(let items)? = found["Items"] else { return #expect(Bool(false), "no Items") }
        #expect(items.map { item -> String in
            if case .object(let o) = item, case .object(let sk)? = o["sk"], case .string(let s)? = sk["S"] { return s }
            return "?"
        } == ["2", "4"])
    }

    @Test(arguments: [
        ("a = :a AND c = :c", #"":a":{"S":"A"},":c":{"S":"x"}"#, "HASH key attributes b must have equality conditions specified in the query"),
        ("a = :a AND b = :b AND d = :d", #"":a":{"S":"A"},":b":{"S":"B"},":d":{"S":"1"}"#,
         "RANGE key attributes c must have equality conditions specified in the query because a condition is present on key attribute d"),
        ("a = :a AND b = :b AND c > :c AND d = :d", #"":a":{"S":"A"},":b":{"S":"B"},":c":{"S":"x"},":d":{"S":"1"}"#,
         "RANGE key attributes c must have equality conditions specified in the query because a condition is present on key attribute d"),
    ])
    func multiAttributeKeyConditionsFollowDynamoDBsRules(condition: String, values: String, message: String) async throws {
        let harness = try await APITestHarness()
        await Self.multiAttributeTable(harness)
        #expect(await harness.error("Query", Self.query(condition, values: values)) == .validation(message))
    }

    @Test func globalIndexesRefuseConsistentReadsAndWhatTheyDoNotProject() async throws {
        let harness = try await APITestHarness()
        _ = await harness.success("CreateTable", Self.createTable(definitions: ["a"], globals: "[\(Self.index("gsi", [("a", "HASH")], projection: #"{"ProjectionType":"KEYS_ONLY"}"#))]"))
        #expect(await harness.error("Scan", #"{"TableName":"tbl","IndexName":"gsi","ConsistentRead":true}"#)
            == .validation("Consistent reads are not supported on global secondary indexes"))
        #expect(await harness.error("Scan", #"{"TableName":"tbl","IndexName":"gsi","Select":"ALL_ATTRIBUTES"}"#)
            == .validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index gsi because its projection type is not ALL"))
        #expect(await harness.error("Scan", #"{"TableName":"tbl","IndexName":"gsi","ProjectionExpression":"x, a"}"#)
            == .validation("One or more parameter values were invalid: Global secondary index gsi does not project [x]"))
        #expect(await harness.error("Scan", #"{"TableName":"tbl","IndexName":"nope"}"#)
            == .validation("The table does not have the specified index: nope"))
    }

    @Test func writesChargeEachIndexAsDynamoDBDoes() async throws {
        let harness = try await APITestHarness()
        _ = await harness.success("CreateTable", Self.createTable(
            definitions: ["a", "l"], globals: "[\(Self.index("gsi", [("a", "HASH")]))]",
            locals: "[\(Self.index("lsi", [("pk", "HASH"), ("l", "RANGE")], projection: #"{"ProjectionType":"KEYS_ONLY"}"#))]"))
        func put(_ item: String) async -> JSONObject {
            let answer = await harness.success("PutItem", #"{"TableName":"tbl","ReturnConsumedCapacity":"INDEXES","Item":\#(item)}"#)
            guard case .object(let consumed)? = answer["ConsumedCapacity"] else { return JSONObject() }
            return consumed
        }
        // New item in both indexes: one put each.
        var consumed = await put(#"{"pk":{"S":"p"},"sk":{"S":"s"},"a":{"S":"1"},"l":{"S":"1"}}"#)
        #expect(consumed["CapacityUnits"] == .number("3.0"))
        #expect(consumed["GlobalSecondaryIndexes"] == .object(JSONObject([("gsi", .object(JSONObject([("CapacityUnits", .number("1.0"))])))])))
        // Moved in the global index (delete + put), unchanged in the local one (nothing).
        consumed = await put(#"{"pk":{"S":"p"},"sk":{"S":"s"},"a":{"S":"2"},"l":{"S":"1"}}"#)
        #expect(consumed["CapacityUnits"] == .number("3.0"))
        #expect(consumed["LocalSecondaryIndexes"] == nil)
        // Out of both: a delete each.
        consumed = await put(#"{"pk":{"S":"p"},"sk":{"S":"s"}}"#)
        #expect(consumed["CapacityUnits"] == .number("3.0"))
        #expect(consumed["Table"] == .object(JSONObject([("CapacityUnits", .number("1.0"))])))
    }

    @Test func indexKeyValuesAreChecked() async throws {
        let harness = try await APITestHarness()
        _ = await harness.success("CreateTable", Self.createTable(definitions: ["a"], globals: "[\(Self.index("gsi", [("a", "HASH")]))]"))
        #expect(await harness.error("PutItem", #"{"TableName":"tbl","Item":{"pk":{"S":"p"},"sk":{"S":"s"},"a":{"N":"1"}}}"#)
            == .validation("One or more parameter values were invalid: Type mismatch for Index Key a Expected: S Actual: N IndexName: gsi"))
        #expect(await harness.error("PutItem", #"{"TableName":"tbl","Item":{"pk":{"S":"p"},"sk":{"S":"s"},"a":{"S":""}}}"#)
            == .validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: gsi, IndexKey: a"))
        #expect(await harness.error("UpdateItem", #"{"TableName":"tbl","Key":{"pk":{"S":"p"},"sk":{"S":"s"}},"UpdateExpression":"SET a = :v","ExpressionAttributeValues":{":v":{"S":""}}}"#)
            == .validation("One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value."))
        #expect(await harness.error("UpdateItem", #"{"TableName":"tbl","Key":{"pk":{"S":"p"},"sk":{"S":"s"}},"UpdateExpression":"SET a.b = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}"#)
            == .validation("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: a"))
        let scanned = await harness.success("Scan", #"{"TableName":"tbl"}"#)
        #expect(scanned["Count"] == .number("0"))
    }

    @Test func aProvisionedGlobalIndexWithoutWriteCapacityRefusesTheWrite() async throws {
        let harness = try await APITestHarness()
        let index = #"{"IndexName":"gsi","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}"#
        _ = await harness.success("CreateTable", Self.createTable(definitions: ["a"], globals: "[\(index)]", billing: "PROVISIONED", tableUnits: 5000))
        // One write unit a second with 300 s of burst: the index takes about
        // 300 one-unit writes, the table many more.
        var refused: DynamoError?
        var written = 0
        while refused == nil, written < 1000 {
            switch await harness.call("PutItem", #"{"TableName":"tbl","Item":{"pk":{"S":"p\#(written)"},"sk":{"S":"s"},"a":{"S":"x"}}}"#) {
            case .success: written += 1
            case .failure(let error): refused = error
            }
        }
        #expect((300...310).contains(written))
        #expect(refused == .provisionedThroughputExceeded(
            "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API"))
        let missing = await harness.success("GetItem", #"{"TableName":"tbl","Key":{"pk":{"S":"p\#(written)"},"sk":{"S":"s"}}}"#)
        #expect(missing["Item"] == nil)
        // A transaction and a batch meet the same empty bucket.
        #expect(await harness.error("TransactWriteItems", #"{"TransactItems":[{"Put":{"TableName":"tbl","Item":{"pk":{"S":"t"},"sk":{"S":"s"},"a":{"S":"x"}}}}]}"#) == refused)
        // A batch none of whose writes could be admitted fails as a whole.
        #expect(await harness.error("BatchWriteItem", #"{"RequestItems":{"tbl":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"S":"s"},"a":{"S":"x"}}}}]}}"#) == refused)
    }
}
