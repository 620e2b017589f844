import Synchronization

/// Who needs a table's history, apart from point-in-time recovery: each
/// backup or restore being made holds the changes after its moment, so
/// that the trimmer leaves them and the writers keep recording them.
final class HistoryHolds: Sendable {
    private struct State {
        var next = 0
        /// By table id: each hold's moment, in milliseconds.
        var holds: [String: [Int: Int]] = [:]
        /// Tables that kept history since start-up: the trimmer's to visit.
        var kept: Set<String> = []
    }

    private let state = Mutex(State())

    /// Holds the changes of table `id` after `moment`; returns the hold's ticket.
    func hold(_ id: String, after moment: Int) -> Int {
        state.withLock { state in
            state.next += 1
            state.holds[id, default: [:]][state.next] = moment
            state.kept.insert(id)
            return state.next
        }
    }

    /// Moves a hold's moment later, once it is fixed.
    func move(_ ticket: Int, of id: String, to moment: Int) {
        state.withLock { $0.holds[id]?[ticket] = moment }
    }

    func release(_ ticket: Int, of id: String) {
        state.withLock { state in
            state.holds[id]?[ticket] = nil
            if state.holds[id]?.isEmpty == true { state.holds[id] = nil }
        }
    }

    func isHeld(_ id: String) -> Bool {
        state.withLock { $0.holds[id] != nil }
    }

    /// The earliest moment a hold of table `id` needs, if any.
    func earliest(_ id: String) -> Int? {
        state.withLock { $0.holds[id]?.values.min() }
    }

    /// Notes that table `id` keeps history (point-in-time recovery).
    func noteKept(_ id: String) {
        state.withLock { _ = $0.kept.insert(id) }
    }

    /// The tables that kept history; those that no longer do are
    /// forgotten once trimmed (`forget`).
    var kept: Set<String> {
        state.withLock { $0.kept }
    }

    func forget(_ id: String) {
        state.withLock { state in
            if state.holds[id] == nil { state.kept.remove(id) }
        }
    }
}
