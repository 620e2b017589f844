import StrataModel

/// ProjectionExpression: a comma-separated list of document paths.
extension Parser {
    static func parseProjection(_ text: String) throws(DynamoError) -> [PathSyntax] {
        var parser = try Parser(text, kind: .projection)
        var paths = [try parser.parsePath()]
        while parser.current.kind == .comma {
            parser.advance()
            paths.append(try parser.parsePath())
        }
        try parser.finish()
        return paths
    }
}
