import StrataModel

/// Parsed syntax trees by expression text, shared by all requests. Only the
/// text-dependent part is cached; resolving placeholders against a request's
/// names and values is cheap and done every time.
public final class ExpressionCache: Sendable {
    enum Key: Hashable, Sendable {
        case condition(ExpressionKind, String)
        case update(String)
        case projection(String)
    }

    private let trees: BoundedCache<Key, any Sendable>

    /// - Parameter capacity: the most expressions kept at once.
    public init(capacity: Int = 10_000) {
        trees = BoundedCache(capacity: capacity)
    }

    /// The cached tree for `key`, or the result of `parse`. Failed parses
    /// are not cached.
    func syntax<Syntax: Sendable>(
        for key: Key,
        parse: () throws(DynamoError) -> Syntax
    ) throws(DynamoError) -> Syntax {
        let tree = try trees.value(for: key) { () throws(DynamoError) -> any Sendable in try parse() }
        if let syntax = tree as? Syntax { return syntax }
        // A key's kind fixes its tree's type, so this is not reached.
        return try parse()
    }

    /// The number of expressions held; for tests and metrics.
    public var count: Int { trees.count }
}

extension Optional where Wrapped == ExpressionCache {
    /// Parses through the cache when there is one.
    func syntax<Syntax: Sendable>(
        for key: ExpressionCache.Key,
        parse: () throws(DynamoError) -> Syntax
    ) throws(DynamoError) -> Syntax {
        guard let cache = self else { return try parse() }
        return try cache.syntax(for: key, parse: parse)
    }
}
