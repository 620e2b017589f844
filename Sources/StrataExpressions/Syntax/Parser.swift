import StrataModel

/// A recursive-descent parser over the tokens of one expression; the grammar
/// for each kind lives in `Parser+<Kind>.swift`.
///
/// A syntax error is thrown at once. Other faults DynamoDB finds only in a
/// well-formed expression (reserved words, unknown functions, ...) are kept
/// as a `DeferredError` and thrown when the whole text has parsed, so that a
/// syntax error anywhere still wins, as it does in DynamoDB.
struct Parser {
    let kind: ExpressionKind
    private let text: String
    private let tokens: [Token]
    private var position = 0
    private var nesting = 0
    private var operatorCount = 0
    private var deferred: DeferredError?

    init(_ text: String, kind: ExpressionKind) throws(DynamoError) {
        let size = text.utf8.count
        guard size <= ExpressionLimits.maximumLength else { throw ExpressionError.tooLong(kind, size: size) }
        guard text.contains(where: { !$0.isWhitespace }) else { throw ExpressionError.empty(kind) }
        self.kind = kind
        self.text = text
        self.tokens = Lexer.tokenize(text)
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

    @discardableResult
    mutating func expect(_ expected: Token.Kind) throws(DynamoError) -> Token {
        guard current.kind == expected else { throw syntaxError() }
        return advance()
    }

    mutating func expectKeyword(_ keyword: String) throws(DynamoError) {
        guard current.isKeyword(keyword) else { throw syntaxError() }
        advance()
    }

    /// DynamoDB's syntax error for the current token, quoting the text from
    /// the token before it to the token after it.
    func syntaxError() -> DynamoError {
        let before = tokens[Swift.max(position - 1, 0)].range.lowerBound
        let after = tokens[Swift.min(position + 1, tokens.count - 1)].range.upperBound
        let near = Lexer.slice(text, before..<after)
        return ExpressionError.syntax(kind, token: String(current.text), near: String(near))
    }

    /// Ends the parse: nothing may follow, and a deferred fault now counts.
    func finish() throws(DynamoError) {
        guard current.kind == .end else { throw syntaxError() }
        if let deferred { throw deferred.error }
    }

    // MARK: Limits and deferred faults

    mutating func countOperator() throws(DynamoError) {
        operatorCount += 1
        if operatorCount > ExpressionLimits.maximumOperators {
            throw ExpressionError.tooManyOperators(kind, count: operatorCount)
        }
    }

    /// Guards every recursive descent so client input cannot exhaust the stack.
    mutating func enterNesting() throws(DynamoError) {
        nesting += 1
        if nesting > ExpressionLimits.maximumNesting {
            // A fault already found explains the input better than the cap does.
            throw deferred?.error ?? ExpressionError.nestedTooDeeply(kind)
        }
    }

    mutating func leaveNesting() {
        nesting -= 1
    }

    mutating func record(_ rank: DeferredError.Rank, _ detail: String) {
        record(rank, ExpressionError.invalid(kind, detail))
    }

    mutating func record(_ rank: DeferredError.Rank, _ error: DynamoError) {
        if let deferred, deferred.rank <= rank { return }
        deferred = DeferredError(rank: rank, error: error)
    }
}

/// A fault found in a syntactically valid expression. When there are several,
/// DynamoDB reports the kind that ranks first.
struct DeferredError {
    enum Rank: Int, Comparable {
        case redundantParentheses
        case unknownFunction
        case misusedFunction
        case reservedWord
        case repeatedSection
        case pathLimit
        case operands

        static func < (lhs: Rank, rhs: Rank) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    let rank: Rank
    let error: DynamoError
}
