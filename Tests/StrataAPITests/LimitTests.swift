import StrataAPI
import StrataModel
import Testing

/// DynamoDB's size limits, each at exactly the limit (accepted) and one
/// past it (refused with DynamoDB's message). Item sizes count attribute
/// names and values in UTF-8 bytes.
@Suite struct LimitTests {
    static func s(_ count: Int, _ character: Character = "x") -> String {
        String(repeating: character, count: count)
    }

    @Test func attributeNamesUpTo65535Bytes() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("names")
        _ = await harness.success("PutItem", #"{"TableName":"names","Item":{"pk":{"S":"a"},"\#(Self.s(65535))":{"S":"v"}}}"#)
        // Multi-byte characters count by their bytes: 21845 x 3 = 65535.
        _ = await harness.success("PutItem", #"{"TableName":"names","Item":{"pk":{"S":"b"},"\#(Self.s(21845, "€"))":{"S":"v"}}}"#)
        let tooLong = DynamoError.validation("1 validation error detected: Attribute name is too large, must be less than 65536 bytes")
        #expect(await harness.error("PutItem", #"{"TableName":"names","Item":{"pk":{"S":"a"},"\#(Self.s(65536))":{"S":"v"}}}"#) == tooLong)
        #expect(await harness.error("PutItem", #"{"TableName":"names","Item":{"pk":{"S":"a"},"\#(Self.s(21845, "€"))x":{"S":"v"}}}"#) == tooLong)
    }

    @Test func updatesMayGrowAnItemToExactly400KB() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("grow")
        // pk + "u" is 3 bytes, a + 300000 is 300001: 109596 are left for b and its value.
        _ = await harness.success("PutItem", #"{"TableName":"grow","Item":{"pk":{"S":"u"},"a":{"S":"\#(Self.s(300_000))"}}}"#)
        func setB(_ length: Int) -> String {
            #"{"TableName":"grow","Key":{"pk":{"S":"u"}},"UpdateExpression":"SET b = :b","ExpressionAttributeValues":{":b":{"S":"\#(Self.s(length))"}}}"#
        }
        #expect(await harness.error("UpdateItem", setB(109_596))
            == .validation("Item size to update has exceeded the maximum allowed size"))
        _ = await harness.success("UpdateItem", setB(109_595))
        let item = await harness.success("GetItem", #"{"TableName":"grow","Key":{"pk":{"S":"u"}}}"#)
        guard case .object(let stored)? = item["Item"], case .object(let b)? = stored["b"] else {
            Issue.record("no item")
            return
        }
        #expect(b["S"] == .string(Self.s(109_595)))
    }

    @Test func transactionPayloadsUpTo4MiB() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("payload")
        // Eleven puts: ten items of 400000 bytes (pk + "tNN" + v + value) and one of the rest.
        func transaction(lastValue: Int) -> String {
            let puts = (0..<11).map { index in
                let length = index < 10 ? 400_000 - 6 : lastValue
                let key = index < 10 ? "t0\(index)" : "t10"
                return #"{"Put":{"TableName":"payload","Item":{"pk":{"S":"\#(key)"},"v":{"S":"\#(Self.s(length))"}}}}"#
            }
            return #"{"TransactItems":[\#(puts.joined(separator: ","))]}"#
        }
        let rest = 4 * 1024 * 1024 - 10 * 400_000 - 6
        #expect(await harness.error("TransactWriteItems", transaction(lastValue: rest + 1))
            == .validation("Transaction request cannot be processed: Total transaction payload size cannot exceed 4 MB"))
        _ = await harness.success("TransactWriteItems", transaction(lastValue: rest))
    }
}
