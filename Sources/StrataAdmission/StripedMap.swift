import Synchronization

/// A dictionary split over independently locked stripes, so that requests
/// for different tables or keys never wait on one global lock.
///
/// A key is hashed once per call: the stripe and the entry are found by
/// that one hash (`Hashed`), since hashing a table id and a partition-key
/// value cost more than the rest of admission together.
final class StripedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// A key with its hash, which the stripe's dictionary reuses.
    private struct Hashed: Hashable, Sendable {
        let key: Key
        let hash: Int

        init(_ key: Key) {
            self.key = key
            hash = key.hashValue
        }

        static func == (lhs: Hashed, rhs: Hashed) -> Bool { lhs.hash == rhs.hash && lhs.key == rhs.key }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    private final class Stripe: Sendable {
        let entries = Mutex<[Hashed: Value]>([:])
    }

    private let stripes: [Stripe]

    init(stripes: Int = 16) {
        self.stripes = (0..<stripes).map { _ in Stripe() }
    }

    private func stripe(for key: Hashed) -> Stripe {
        stripes[Int(UInt(bitPattern: key.hash) % UInt(stripes.count))]
    }

    /// Runs `body` on the value for `key`, made by `create` if absent.
    /// `prune`, when given, is offered every other entry of the stripe once
    /// it holds more than `pruneAbove` entries; it returns true to drop one.
    func update<R>(
        _ key: Key, create: () -> Value, pruneAbove: Int = .max, prune: ((inout Value) -> Bool)? = nil,
        _ body: (inout Value) -> R
    ) -> R {
        let key = Hashed(key)
        return stripe(for: key).entries.withLock { entries in
            if entries.count >= pruneAbove, let prune, entries[key] == nil {
                for candidate in Array(entries.keys) {
                    var value = entries[candidate]!
                    if prune(&value) { entries[candidate] = nil } else { entries[candidate] = value }
                }
            }
            return body(&entries[key, default: create()])
        }
    }

    func value(for key: Key) -> Value? {
        let key = Hashed(key)
        return stripe(for: key).entries.withLock { $0[key] }
    }

    func remove(_ key: Key) {
        let key = Hashed(key)
        stripe(for: key).entries.withLock { _ = $0.removeValue(forKey: key) }
    }

    var count: Int {
        stripes.reduce(0) { $0 + $1.entries.withLock { $0.count } }
    }
}
