import Testing

@testable import StrataPartiQL

@Suite struct LexerTests {
    private func kinds(_ text: String) -> [Token.Kind] {
        Lexer.tokenize(text).map(\.kind)
    }

    @Test func setBracketsAndComparisons() {
        #expect(kinds("<<1, 2>> <> <= >= < > != =") == [
            .leftAngles, .number, .comma, .number, .rightAngles, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater, .notEqual,
            .equal, .end,
        ])
    }

    @Test func quotesAreUndoneAndDoubledQuotesKept() {
        let tokens = Lexer.tokenize(#"'it''s' "a""b" 'open"#)
        #expect(tokens.map(\.kind) == [.string, .quotedName, .invalid, .end])
        #expect(tokens[0].text == "it's")
        #expect(tokens[1].text == #"a"b"#)
    }

    @Test func numbersWithFractionsAndExponents() {
        let tokens = Lexer.tokenize("12 1.5 .25 2e3 7E-2 3e")
        #expect(tokens.map(\.text) == ["12", "1.5", ".25", "2e3", "7E-2", "3", "e", "<EOF>"])
    }

    @Test func commentsRunToTheEndOfTheLine() {
        #expect(kinds("SELECT -- all of it\n*") == [.word, .star, .end])
    }

    @Test func aMultiByteCharacterStaysWhole() {
        let tokens = Lexer.tokenize("a é")
        #expect(tokens[1].kind == .invalid)
        #expect(tokens[1].text == "é")
    }
}
