import Synchronization

/// Values by key, shared by all requests, holding at most `capacity`.
///
/// Two generations: entries live in `recent` until it fills, then it
/// becomes `older` and the previous `older` is dropped. A hit in `older`
/// moves the entry back to `recent`, so frequently used entries survive, as
/// in an LRU, at the cost of one dictionary per generation.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var recent: [Key: Value] = [:]
        var older: [Key: Value] = [:]
    }

    private let generationCapacity: Int
    private let generations = Mutex(Generations())

    public init(capacity: Int) {
        generationCapacity = Swift.max(1, capacity / 2)
    }

    /// The cached value for `key`, or the result of `make`, which runs
    /// outside the lock. Failures are not cached.
    public func value<E: Error>(for key: Key, make: () throws(E) -> Value) throws(E) -> Value {
        if let cached = lookUp(key) { return cached }
        let made = try make()
        generations.withLock { generations in
            Self.insert(made, for: key, into: &generations, capacity: generationCapacity)
        }
        return made
    }

    private func lookUp(_ key: Key) -> Value? {
        generations.withLock { generations in
            if let hit = generations.recent[key] { return hit }
            guard let hit = generations.older.removeValue(forKey: key) else { return nil }
            Self.insert(hit, for: key, into: &generations, capacity: generationCapacity)
            return hit
        }
    }

    private static func insert(_ value: Value, for key: Key, into generations: inout Generations, capacity: Int) {
        if generations.recent.count >= capacity {
            generations.older = generations.recent
            generations.recent = [:]
        }
        generations.recent[key] = value
    }

    /// The number of entries held; for tests and metrics.
    public var count: Int {
        generations.withLock { $0.recent.count + $0.older.count }
    }
}
