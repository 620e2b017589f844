import StrataModel

/// A recursive-descent parser over the tokens of one statement; statements
/// in `Parser+Statement.swift`, expressions in `Parser+Expression.swift`.
struct Parser {
    /// Deeper nesting than this (parentheses, lists, tuples, NOT) is refused,
    /// so that client input cannot exhaust the stack.
    static let maximumNesting = 50

    private let tokens: [Token]
    private var position = 0
    private var nesting = 0
    /// The `?` slots met so far.
    var parameterCount = 0

    init(_ text: String) {
        tokens = Lexer.tokenize(text)
    }

    /// Parses a whole statement.
    static func parse(_ text: String) throws(DynamoError) -> ParsedStatement {
        var parser = Parser(text)
        let syntax = try parser.statement()
        if parser.current.kind == .semicolon { parser.advance() }
        guard parser.current.kind == .end else {
            throw parser.current.kind == .invalid ? parser.unexpected() : PartiQLError.trailingTokens
        }
        return ParsedStatement(syntax: syntax, parameterCount: parser.parameterCount)
    }

    // MARK: Tokens

    var current: Token { tokens[position] }

    var next: Token { tokens[Swift.min(position + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func expect(_ expected: Token.Kind) throws(DynamoError) {
        guard current.kind == expected else { throw unexpected() }
        advance()
    }

    mutating func expectKeyword(_ keyword: String) throws(DynamoError) {
        guard current.isKeyword(keyword) else { throw unexpected() }
        advance()
    }

    /// Consumes the keyword if it is next.
    mutating func accept(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        advance()
        return true
    }

    /// The error for the current token, which the grammar does not allow here.
    func unexpected() -> DynamoError {
        PartiQLError.unexpected(current)
    }

    // MARK: Nesting

    mutating func enterNesting() throws(DynamoError) {
        nesting += 1
        if nesting > Self.maximumNesting { throw PartiQLError.nestedTooDeeply }
    }

    mutating func leaveNesting() {
        nesting -= 1
    }
}
