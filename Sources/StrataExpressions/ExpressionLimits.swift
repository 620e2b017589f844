/// DynamoDB's documented limits on expressions, plus Strata's own cap on
/// nesting so that recursion on client input can never exhaust the stack.
enum ExpressionLimits {
    /// Bytes of UTF-8 in one expression parameter.
    static let maximumLength = 4096
    /// Comparators, BETWEEN, IN, AND, OR, NOT, `+` and `-` in one expression.
    static let maximumOperators = 300
    /// Elements of one document path, the top-level name included.
    static let maximumPathDepth = 32
    /// Operands on the right of IN.
    static let maximumInOperands = 100
    /// Nested parentheses and function calls. 300 operators fit in 4 KB, and
    /// each can sit inside its own parentheses, so legitimate expressions stay
    /// well below this.
    static let maximumNesting = 400
}
