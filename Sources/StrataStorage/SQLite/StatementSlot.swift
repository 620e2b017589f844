import Synchronization

/// A place for one statement in every connection, numbered once per
/// process: made as a `static let` beside the statement's SQL.
struct StatementSlot: Sendable {
    private static let next = Atomic<Int>(0)
    let index: Int

    init() {
        index = Self.next.add(1, ordering: .relaxed).oldValue
    }
}
