import StrataModel

/// DynamoDB's messages for statements it refuses. Every one is a
/// ValidationException unless said otherwise.
enum PartiQLError {
    static func malformed(_ detail: String) -> DynamoError {
        .validation("Statement wasn't well formed, can't be processed: \(detail)")
    }

    /// The parser's wording for a token the grammar does not allow where
    /// it stands. AWS names no position; an unclosed quote gets no detail.
    static func unexpected(_ token: Token) -> DynamoError {
        switch token.kind {
        case .end: malformed("Unexpected end of input")
        case .invalid where token.text.hasPrefix("'") || token.text.hasPrefix("\""): malformed("")
        case .invalid: malformed("Invalid character")
        case .word where ReservedWords.contains(token.text): malformed("Unexpected keyword")
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .plus, .minus, .star: malformed("Unexpected operator")
        default: malformed("Unexpected term")
        }
    }

    /// A statement that starts with none of SELECT, INSERT, UPDATE, DELETE, EXISTS.
    static let notAStatement = malformed("Expected data manipulation")

    /// Something after a complete statement.
    static let trailingTokens = malformed("Unexpected token after expression")

    static let nestedTooDeeply = malformed("Statement nesting exceeds the maximum depth of \(Parser.maximumNesting)")

    static let parameterCountMismatch = DynamoError.validation("Number of parameters in request and statement don't match.")
}
