/// What a connection's `HostPolicy` said of the last `Host` header it
/// sent. A client sends the same Host on every request of a connection,
/// and checking one (its bytes, a lowercased copy, the loopback test, and
/// again for the well-formed echo) cost more than the rest of a request
/// head's handling; a different Host is checked afresh.
struct HostVerdict {
    /// The request is answered.
    let permitted: Bool
    /// The host as the health check and the request context may use it.
    let wellFormed: String?

    /// Remembers the last verdict of one connection.
    struct Memo {
        private var last: (host: String?, verdict: HostVerdict)?

        mutating func verdict(for host: String?, under policy: HostPolicy) -> HostVerdict {
            if let last, last.host == host { return last.verdict }
            let verdict = HostVerdict(permitted: policy.permits(host), wellFormed: host.flatMap(HostPolicy.wellFormed))
            last = (host, verdict)
            return verdict
        }
    }
}
