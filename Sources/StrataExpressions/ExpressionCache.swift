import StrataModel
import Synchronization

/// Parsed syntax trees by expression text, shared by all requests. Only the
/// text-dependent part is cached; resolving placeholders against a request's
/// names and values is cheap and done every time.
///
/// Bounded with two generations: entries live in `recent` until it fills,
/// then it becomes `older` and the previous `older` is dropped. A hit in
/// `older` moves the entry back to `recent`, so frequently used expressions
/// survive, as in an LRU, at the cost of one dictionary per generation.
public final class ExpressionCache: Sendable {
    enum Key: Hashable, Sendable {
        case condition(ExpressionKind, String)
        case update(String)
        case projection(String)
    }

    private struct Generations {
        var recent: [Key: any Sendable] = [:]
        var older: [Key: any Sendable] = [:]
    }

    private let generationCapacity: Int
    private let generations = Mutex(Generations())

    /// - Parameter capacity: the most expressions kept at once.
    public init(capacity: Int = 10_000) {
        generationCapacity = Swift.max(1, capacity / 2)
    }

    /// The cached tree for `key`, or the result of `parse`, which runs
    /// outside the lock. Failed parses are not cached.
    func syntax<Syntax: Sendable>(
        for key: Key,
        parse: () throws(DynamoError) -> Syntax
    ) throws(DynamoError) -> Syntax {
        if let cached = lookUp(key) as? Syntax { return cached }
        let parsed = try parse()
        store(parsed, for: key)
        return parsed
    }

    private func lookUp(_ key: Key) -> (any Sendable)? {
        generations.withLock { generations in
            if let hit = generations.recent[key] { return hit }
            guard let hit = generations.older.removeValue(forKey: key) else { return nil }
            Self.insert(hit, for: key, into: &generations, capacity: generationCapacity)
            return hit
        }
    }

    private func store(_ syntax: any Sendable, for key: Key) {
        generations.withLock { generations in
            Self.insert(syntax, for: key, into: &generations, capacity: generationCapacity)
        }
    }

    private static func insert(_ syntax: any Sendable, for key: Key, into generations: inout Generations, capacity: Int) {
        if generations.recent.count >= capacity {
            generations.older = generations.recent
            generations.recent = [:]
        }
        generations.recent[key] = syntax
    }

    /// The number of expressions held; for tests and metrics.
    public var count: Int {
        generations.withLock { $0.recent.count + $0.older.count }
    }
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
