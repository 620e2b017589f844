/// One lexical token, with its place in the expression's UTF-8 bytes so that
/// syntax errors can quote the text around it.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier        // a name, keyword or function name
        case nameReference     // #name
        case valueReference    // :value
        case integer           // a list index
        case dot, comma
        case leftParen, rightParen, leftBracket, rightBracket
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case plus, minus
        case invalid           // a character no token starts with
        case end
    }

    let kind: Kind
    let text: Substring
    let range: Range<Int>

    /// Keywords are identifiers compared without regard to case.
    func isKeyword(_ keyword: String) -> Bool {
        kind == .identifier && text.count == keyword.count && text.uppercased() == keyword
    }
}
