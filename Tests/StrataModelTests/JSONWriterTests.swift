import StrataModel
import Testing

/// The writer scans strings sixteen bytes at a time: every byte that needs
/// escaping must be found wherever it falls in a block, and nothing else.
@Suite struct JSONWriterTests {
    @Test func escapesEveryEscapableByteAtEveryOffset() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\t"]
        for special in specials {
            for length in 1...20 {
                for position in 0..<length {
                    var text = String(repeating: "a", count: length)
                    let index = text.index(text.startIndex, offsetBy: position)
                    text.replaceSubrange(index...index, with: String(special))
                    var writer = JSONWriter()
                    writer.string(text)
                    #expect(try JSONParser.parse(writer.bytes) == .string(text))
                    #expect(writer.bytes.allSatisfy { $0 >= 0x20 }, "a raw control character at \(position) of \(length)")
                }
            }
        }
    }

    @Test func leavesPlainAndNonASCIITextAlone() throws {
        let text = "plain text ~ 0x7F \u{7F} é☃𝄞 " + String(repeating: "x", count: 37) + " !#$%&'()*+,-./]^_`{|}"
        var writer = JSONWriter()
        writer.string(text)
        #expect(writer.bytes == Array("\"\(text)\"".utf8))
    }

    @Test func escapesControlCharactersAsUnicode() {
        var writer = JSONWriter()
        writer.string("12345678\u{0B}\u{7F}\"")
        #expect(writer.bytes == Array(#""12345678\u000b"#.utf8) + [0x7F] + Array(#"\"""#.utf8))
    }
}
