import Synchronization

/// The server-wide budget of request-body bytes held in memory
/// (`--max-body-memory`). A request reserves its declared length before its
/// body is read (a chunked body reserves as it grows) and gives it back
/// when answered or abandoned.
final class BodyMemoryBudget: Sendable {
    let capacity: Int
    private let reserved = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Reserves `bytes`, unless that would exceed the capacity.
    func tryReserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        var current = reserved.load(ordering: .relaxed)
        while true {
            guard current + bytes <= capacity else { return false }
            let (exchanged, original) = reserved.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        reserved.subtract(bytes, ordering: .relaxed)
    }

    var reservedBytes: Int { reserved.load(ordering: .relaxed) }
}
