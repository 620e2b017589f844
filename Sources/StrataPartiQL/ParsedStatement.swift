import StrataModel

/// A statement parsed once and kept by its text; parameters are bound, and
/// the statement lowered, for each request.
public struct ParsedStatement: Sendable {
    let syntax: StatementSyntax
    /// How many `?` the statement has.
    public let parameterCount: Int

    public static func parse(_ text: String) throws(DynamoError) -> ParsedStatement {
        try Parser.parse(text)
    }

    /// The table the statement reads or writes.
    public var tableName: String { syntax.tableName }

    /// Whether the statement is a SELECT. An EXISTS checks a condition for
    /// a transaction's writes, so it counts with them.
    public var isRead: Bool {
        if case .select = syntax { true } else { false }
    }
}

/// Parsed statements by their text.
public typealias StatementCache = BoundedCache<String, ParsedStatement>

extension ParsedStatement {
    /// Parses through the cache; a statement's text fixes its parse.
    public static func parse(_ text: String, cache: StatementCache) throws(DynamoError) -> ParsedStatement {
        try cache.value(for: text) { () throws(DynamoError) in try Parser.parse(text) }
    }
}
