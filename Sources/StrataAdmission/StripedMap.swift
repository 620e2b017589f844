import Synchronization

/// A dictionary split over independently locked stripes, so that requests
/// for different tables or keys never wait on one global lock.
final class StripedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private final class Stripe: Sendable {
        let entries = Mutex<[Key: Value]>([:])
    }

    private let stripes: [Stripe]

    init(stripes: Int = 16) {
        self.stripes = (0..<stripes).map { _ in Stripe() }
    }

    private func stripe(for key: Key) -> Stripe {
        var hasher = Hasher()
        hasher.combine(key)
        return stripes[Int(UInt(bitPattern: hasher.finalize()) % UInt(stripes.count))]
    }

    /// Runs `body` on the value for `key`, made by `create` if absent.
    /// `prune`, when given, is offered every other entry of the stripe once
    /// it holds more than `pruneAbove` entries; it returns true to drop one.
    func update<R>(
        _ key: Key, create: () -> Value, pruneAbove: Int = .max, prune: ((inout Value) -> Bool)? = nil,
        _ body: (inout Value) -> R
    ) -> R {
        stripe(for: key).entries.withLock { entries in
            if entries[key] == nil {
                if entries.count >= pruneAbove, let prune {
                    for candidate in Array(entries.keys) {
                        var value = entries[candidate]!
                        if prune(&value) { entries[candidate] = nil } else { entries[candidate] = value }
                    }
                }
                entries[key] = create()
            }
            return body(&entries[key]!)
        }
    }

    func value(for key: Key) -> Value? {
        stripe(for: key).entries.withLock { $0[key] }
    }

    func remove(_ key: Key) {
        stripe(for: key).entries.withLock { _ = $0.removeValue(forKey: key) }
    }

    var count: Int {
        stripes.reduce(0) { $0 + $1.entries.withLock { $0.count } }
    }
}
