/// One lexical token of a statement, with its place in the statement's
/// UTF-8 bytes so that errors can name it.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case word               // a keyword or an unquoted name
        case quotedName         // "name": never a keyword
        case string             // 'text', quotes undone
        case number             // 12, 1.5, 2e3
        case parameter          // ?
        case dot, comma, colon, semicolon, star
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case leftAngles, rightAngles  // << and >>, a set's brackets
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case plus, minus
        case invalid            // a character no token starts with, or an unclosed quote
        case end
    }

    let kind: Kind
    /// The token's value: a word or number as written, a string or quoted
    /// name without its quotes.
    let text: String
    let range: Range<Int>

    /// Keywords are words compared without regard to case.
    func isKeyword(_ keyword: String) -> Bool {
        kind == .word && text.count == keyword.count && text.uppercased() == keyword
    }
}
