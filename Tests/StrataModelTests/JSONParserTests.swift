import StrataModel
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null, "x"], "b": {}} "#)
        guard case .object(let object) = value, case .array(let list)? = object["a"] else {
            Issue.record("not an object with a list")
            return
        }
        #expect(list == [.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("x")])
        #expect(object["b"] == .object(JSONObject()))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
    }

    @Test(arguments: [
        "", "{", "}", "{broken json", "}{", "7x", "[1,]", "{\"a\":}", "{\"a\" 1}", "{,}", "{{}}", "\"abc",
        "\"\\x\"", "\"\\ud800\"", "nul", "tru", "01", "1.", "-", "{\"a\":1}}", "\"a\u{01}\"",
    ])
    func rejectsMalformedDocuments(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0xFF, 0x64, 0x22]) }
    }

    /// Long strings are scanned sixteen bytes at a time: whatever a string
    /// holds at any offset of a block (an escape, a control character, a
    /// quote, text beyond ASCII, invalid UTF-8) is still seen.
    @Test func readsEverySpecialByteAtEveryOffsetOfALongString() throws {
        for offset in 0..<20 {
            let plain = String(repeating: "p", count: offset), tail = String(repeating: "q", count: 19 - offset)
            #expect(try parse("\"" + plain + #"\n"# + tail + "\"") == .string(plain + "\n" + tail))
            #expect(try parse("\"" + plain + "é" + tail + "\"") == .string(plain + "é" + tail))
            #expect(try parse("{\"k\":\"" + plain + "\",\"n\":1}") == .object(JSONObject([("k", .string(plain)), ("n", .number("1"))])))
            #expect(throws: JSONParser.SyntaxError.self) { try parse("\"" + plain + "\u{1}" + tail + "\"") }
            #expect(throws: JSONParser.SyntaxError.self) { try parse("\"" + plain + "\u{1F}" + tail + "\"") }
            let invalid = [0x22] + Array(plain.utf8) + [0xFF] + Array(tail.utf8) + [0x22]
            #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(invalid) }
        }
    }

    @Test func capsNestingInsteadOfOverflowingTheStack() throws {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(throws: JSONParser.SyntaxError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        _ = try parse(fine)
    }

    @Test func nestingLimitIsExact() throws {
        let depth = JSONParser.maximumDepth
        _ = try parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        _ = try parse(String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth))
        let error = #expect(throws: JSONParser.SyntaxError.self) {
            try parse(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1))
        }
        #expect(error?.reason == "nesting too deep")
        #expect(error?.offset == depth)
    }

    @Test func writerEscapesWhatTheParserReads() throws {
        let original = JSONValue.object(JSONObject([("k\"\\\u{0}\n", .string("v\u{1f}é")), ("n", .array([.number("1"), .null]))]))
        #expect(try JSONParser.parse(original.serialized) == original)
    }
}
