import StrataModel
import Testing

@Suite struct ItemOperationTests {
    @Test func putGetAndDeleteRoundTrip() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("items")
        let item = #"{"pk":{"S":"k"},"n":{"N":"1.50"},"l":{"L":[{"NULL":true},{"BS":["AAE="]}]}}"#
        let put = await harness.success("PutItem", #"{"TableName":"items","Item":\#(item)}"#)
        #expect(put.isEmpty)
        let got = await harness.success("GetItem", #"{"TableName":"items","Key":{"pk":{"S":"k"}}}"#)
        let expected = try JSONParser.parse(Array(#"{"pk":{"S":"k"},"n":{"N":"1.5"},"l":{"L":[{"NULL":true},{"BS":["AAE="]}]}}"#.utf8))
        #expect(try Item(itemJSON: got["Item"] ?? .null) == Item(itemJSON: expected))
        let deleted = await harness.success("DeleteItem", #"{"TableName":"items","Key":{"pk":{"S":"k"}},"ReturnValues":"ALL_OLD"}"#)
        #expect(deleted["Attributes"] != nil)
        let missing = await harness.success("GetItem", #"{"TableName":"items","Key":{"pk":{"S":"k"}}}"#)
        #expect(missing.isEmpty)
    }

    @Test func numericKeysAreAddressedByValue() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("numbers", hashType: "N")
        _ = await harness.success("PutItem", #"{"TableName":"numbers","Item":{"pk":{"N":"1000"},"v":{"S":"a"}}}"#)
        for spelling in ["1e3", "1000.0", "+1000", "001000"] {
            let got = await harness.success("GetItem", #"{"TableName":"numbers","Key":{"pk":{"N":"\#(spelling)"}}}"#)
            #expect(got["Item"] == .object(JSONObject([("pk", .object(JSONObject([("N", .string("1000"))]))), ("v", .object(JSONObject([("S", .string("a"))])))]))
                || got["Item"] == .object(JSONObject([("v", .object(JSONObject([("S", .string("a"))]))), ("pk", .object(JSONObject([("N", .string("1000"))])))])))
        }
    }

    @Test(arguments: [
        (#"{"TableName":"keys","Item":{"x":{"S":"a"}}}"#, "One or more parameter values were invalid: Missing the key pk in the item"),
        (#"{"TableName":"keys","Item":{"pk":{"N":"1"}}}"#, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
        (#"{"TableName":"keys","Item":{"pk":{"S":""}}}"#, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"),
        (#"{"TableName":"keys","Item":{"pk":{"S":"a"}},"ReturnValues":"ALL_NEW"}"#, "ReturnValues can only be ALL_OLD or NONE"),
    ])
    func putItemValidation(body: String, message: String) async throws {
        let harness = try await APITestHarness()
        await harness.createTable("keys")
        #expect(await harness.error("PutItem", body) == .validation(message))
    }

    @Test func keyShapeErrorsOnGet() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("keys")
        for key in [#"{"pk":{"N":"1"}}"#, #"{"other":{"S":"a"}}"#, #"{"pk":{"S":"a"},"x":{"S":"b"}}"#, #"{"pk":{"BOOL":true}}"#] {
            #expect(await harness.error("GetItem", #"{"TableName":"keys","Key":\#(key)}"#)
                == .validation("The provided key element does not match the schema"))
        }
    }

    @Test func enforcesTheItemAndKeySizeLimits() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("sizes")
        let big = String(repeating: "x", count: 400 * 1024)
        #expect(await harness.error("PutItem", #"{"TableName":"sizes","Item":{"pk":{"S":"a"},"v":{"S":"\#(big)"}}}"#)
            == .validation("Item size has exceeded the maximum allowed size"))
        let longKey = String(repeating: "k", count: 2049)
        #expect(await harness.error("PutItem", #"{"TableName":"sizes","Item":{"pk":{"S":"\#(longKey)"}}}"#)?.message?.contains("limit") == true)
        let okKey = String(repeating: "k", count: 2048)
        _ = await harness.success("PutItem", #"{"TableName":"sizes","Item":{"pk":{"S":"\#(okKey)"}}}"#)
    }

    @Test func missingTableAndBadJSON() async throws {
        let harness = try await APITestHarness()
        #expect(await harness.error("GetItem", #"{"TableName":"nothere","Key":{"pk":{"S":"a"}}}"#)
            == .resourceNotFound("Requested resource not found"))
        #expect(await harness.error("GetItem", "{broken")?.typeName == "SerializationException")
        #expect(await harness.error("GetItem", "[]")?.typeName == "SerializationException")
        #expect(await harness.error("GetItem", #"{"TableName":5}"#) == .serialization("NUMBER_VALUE cannot be converted to String"))
        #expect(await harness.error("Bogus", "{}") == .unknownOperation)
    }
}
