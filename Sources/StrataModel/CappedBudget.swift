import Synchronization

/// A count of something scarce, shared between threads, that never exceeds
/// its capacity: the front's request-body bytes (`--max-body-memory`), the
/// storage engine's file descriptors (`--max-open-files`). A reservation
/// either fits whole or is refused; what is reserved is released later.
public final class CappedBudget: Sendable {
    public let capacity: Int
    private let count = Atomic<Int>(0)

    public init(capacity: Int) {
        precondition(capacity >= 0, "a budget cannot be negative")
        self.capacity = capacity
    }

    /// Reserves `amount`, unless that would exceed the capacity.
    public func tryReserve(_ amount: Int) -> Bool {
        guard amount > 0 else { return true }
        var current = count.load(ordering: .relaxed)
        while current + amount <= capacity {
            let (exchanged, original) = count.compareExchange(expected: current, desired: current + amount, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    public func release(_ amount: Int) {
        guard amount > 0 else { return }
        let before = count.subtract(amount, ordering: .relaxed).oldValue
        assert(before >= amount, "more released than was reserved")
    }

    /// What is reserved now.
    public var reserved: Int { count.load(ordering: .relaxed) }
}
