import StrataModel
import Synchronization

/// The client tokens of recent write transactions. A token seen again
/// within the window with the same request is answered without applying
/// anything; with another request it is refused.
final class IdempotencyTokens: Sendable {
    enum Claim {
        /// The transaction is new: run it, then report how it ended.
        case claimed
        /// It was applied before: answer success and do nothing.
        case alreadyApplied
    }

    private struct Entry {
        let fingerprint: [UInt8]
        var created: Int
        var applied: Bool
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var lastSwept = 0
    }

    private let state = Mutex(State())
    private let window: Int

    init(window: Int, recent: [TransactionLog.RecentToken]) {
        self.window = window
        state.withLock { state in
            for recent in recent {
                state.entries[recent.token.token] = Entry(fingerprint: recent.token.fingerprint, created: recent.created, applied: true)
            }
        }
    }

    func claim(_ token: TransactionToken, now: Int) throws(DynamoError) -> Claim {
        try state.withLock { (state) throws(DynamoError) -> Claim in
            if now - state.lastSwept >= 60 {
                state.entries = state.entries.filter { now - $0.value.created < window || !$0.value.applied }
                state.lastSwept = now
            }
            if let entry = state.entries[token.token], now - entry.created < window || !entry.applied {
                guard entry.fingerprint == token.fingerprint else {
                    throw .idempotentParameterMismatch(
                        "Request token already used with a different request within the last \(window / 60) minutes")
                }
                guard entry.applied else {
                    throw .transactionInProgress("Transaction from previous request is still in progress")
                }
                return .alreadyApplied
            }
            state.entries[token.token] = Entry(fingerprint: token.fingerprint, created: now, applied: false)
            return .claimed
        }
    }

    /// The transaction committed: the token answers for it until the window ends.
    func applied(_ token: TransactionToken, now: Int) {
        state.withLock { $0.entries[token.token] = Entry(fingerprint: token.fingerprint, created: now, applied: true) }
    }

    /// The transaction did not happen: the token may be used again.
    func abandoned(_ token: TransactionToken) {
        state.withLock { _ = $0.entries.removeValue(forKey: token.token) }
    }
}
