/// What a committed write transaction does: the final image of each item
/// it changes. Applying it twice leaves the same items as applying it once,
/// so a record found unapplied after a crash is simply applied again.
struct TransactionRecord: Sendable {
    struct Write: Sendable {
        /// The table's id.
        let table: String
        let key: [UInt8]
        /// The new stored item, or nil to delete the item.
        let value: StoredItem?
    }

    var writes: [Write]
    var token: TransactionToken?
    /// Seconds since 1970, for the token's idempotency window.
    var created: Int
}

/// A client's idempotency token for a write transaction, with a digest of
/// the request it came with.
public struct TransactionToken: Sendable, Hashable {
    public let token: String
    public let fingerprint: [UInt8]

    public init(token: String, fingerprint: [UInt8]) {
        self.token = token
        self.fingerprint = fingerprint
    }
}
