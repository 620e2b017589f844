import StrataModel
import Synchronization

/// A front's part of its provisioned tables' throughput when several fronts
/// share it (`SharedCapacity`). Each table's read and write account holds
/// tokens granted from the shared budget. A request that finds its account
/// empty waits for a grant (`ready`), and is refused only if the budget is
/// empty; once half of the last grant is spent, the next is asked for ahead,
/// so that requests seldom wait. When the budget cannot be reached, the
/// account falls back to a bucket of its own at an equal share of the rate,
/// and asks the budget again a second later.
final class LeasedCapacity: Sendable {
    private struct Key: Hashable {
        let tableID: String
        let access: Access
    }

    private struct Account {
        /// Granted and not yet spent; below zero once requests cost more than they reserved.
        var tokens = 0.0
        var lastGrant = 0.0
        /// The grant being asked for.
        var asking: Task<Void, Never>?
        /// The budget was empty or unreachable: no grant is asked for before then.
        var retryAt = 0.0
        /// While the budget cannot be reached: this front's equal share.
        var fallback: TokenBucket?
    }

    /// Seconds of a table's rate the smallest grant carries.
    static let grantSeconds = 0.1

    private let shared: any SharedCapacity
    private let clock: any AdmissionClock
    private let accounts = Mutex<[Key: Account]>([:])

    init(shared: any SharedCapacity, clock: any AdmissionClock) {
        self.shared = shared
        self.clock = clock
    }

    /// Waits for grants while the account is empty and the budget may have
    /// some (a grant asked for before a large charge may not cover it).
    func ready(_ access: Access, table: TableDefinition, rate: Double, capacity: Double) async {
        let key = Key(tableID: table.id, access: access)
        for _ in 0..<4 {
            let now = clock.now()
            let grant = accounts.withLock { accounts -> Task<Void, Never>? in
                var account = accounts[key] ?? Account()
                defer { accounts[key] = account }
                // Falling back: a retry of the budget under way decides, once a second.
                if account.fallback != nil { return account.asking }
                guard account.tokens <= 0, now >= account.retryAt else { return nil }
                if account.asking == nil { account.asking = askForGrant(key, table: table, rate: rate, capacity: capacity) }
                return account.asking
            }
            guard let grant else { return }
            await grant.value
        }
    }

    /// Takes `units` if the account has tokens; whether it did.
    func take(_ units: Double, _ access: Access, table: TableDefinition, rate: Double, capacity: Double) -> Bool {
        let now = clock.now()
        let key = Key(tableID: table.id, access: access)
        return accounts.withLock { accounts -> Bool in
            var account = accounts[key] ?? Account()
            defer { accounts[key] = account }
            if var fallback = account.fallback {
                let admitted = fallback.hasTokens(now: now)
                if admitted { fallback.consume(units, now: now) }
                account.fallback = fallback
                if account.asking == nil, now >= account.retryAt {
                    account.asking = askForGrant(key, table: table, rate: rate, capacity: capacity)
                }
                return admitted
            }
            guard account.tokens > 0 else { return false }
            account.tokens -= units
            if account.asking == nil, now >= account.retryAt, account.tokens < account.lastGrant / 2 {
                account.asking = askForGrant(key, table: table, rate: rate, capacity: capacity)
            }
            return true
        }
    }

    /// Takes what a request cost beyond what it reserved (below zero: gives back).
    func charge(_ units: Double, _ access: Access, table: TableDefinition) {
        let now = clock.now()
        let key = Key(tableID: table.id, access: access)
        accounts.withLock { accounts in
            guard var account = accounts[key] else { return }
            if var fallback = account.fallback {
                if units >= 0 { fallback.consume(units, now: now) } else { fallback.refund(-units, now: now) }
                account.fallback = fallback
            } else {
                account.tokens -= units
            }
            accounts[key] = account
        }
    }

    /// Asks the budget for a grant; call under the accounts' lock, and
    /// store the task as the account's `asking` before letting go of it:
    /// the task settles the account under the same lock, so after that.
    private func askForGrant(_ key: Key, table: TableDefinition, rate: Double, capacity: Double) -> Task<Void, Never> {
        let smallest = max(1, rate * Self.grantSeconds)
        return Task {
            let wanted = smallest + accounts.withLock { max(0, -($0[key]?.tokens ?? 0)) }
            do {
                let granted = try await shared.lease(wanted, key.access, table: table, rate: rate, capacity: capacity)
                let now = clock.now()
                accounts.withLock { accounts in
                    var account = accounts[key] ?? Account()
                    account.tokens += granted
                    account.lastGrant = granted
                    account.fallback = nil
                    account.asking = nil
                    // The budget ran dry: ask again once the smallest grant has had time to refill.
                    if granted < wanted { account.retryAt = now + Self.grantSeconds }
                    accounts[key] = account
                }
            } catch {
                let now = clock.now()
                let share = rate / Double(max(1, shared.liveFronts))
                accounts.withLock { accounts in
                    var account = accounts[key] ?? Account()
                    if account.fallback == nil { account.fallback = TokenBucket(rate: share, capacity: max(1, share), now: now) }
                    account.asking = nil
                    account.retryAt = now + 1
                    accounts[key] = account
                }
            }
        }
    }
}
