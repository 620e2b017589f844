import StrataModel

/// DynamoDB's messages for statements it refuses. Every one is a
/// ValidationException unless said otherwise.
enum PartiQLError {
    static func malformed(_ detail: String) -> DynamoError {
        .validation("Statement wasn't well formed, can't be processed: \(detail)")
    }

    static func unexpected(_ token: Token) -> DynamoError {
        switch token.kind {
        case .end: malformed("Unexpected end of statement")
        case .invalid: malformed("Invalid character: \(token.text)")
        case .word where ReservedWords.contains(token.text): malformed("Unexpected keyword")
        default: malformed("Unexpected token")
        }
    }

    static let nestedTooDeeply = malformed("Statement nesting exceeds the maximum depth of \(Parser.maximumNesting)")

    static let parameterCountMismatch = DynamoError.validation("Number of parameters in request and statement don't match.")

    static func unsupported(_ detail: String) -> DynamoError {
        .validation(detail)
    }
}
