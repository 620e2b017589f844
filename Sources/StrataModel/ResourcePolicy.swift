/// A resource-based policy attached to a table or a stream: stored and
/// given back as DynamoDB does, not evaluated (requests are not checked
/// against it).
public struct ResourcePolicy: Sendable, Equatable {
    /// The policy's JSON document, as the client sent it.
    public var document: String
    /// Changes with every put: a client may make a change conditional on it.
    public var revision: String

    /// DynamoDB's limit on a policy document.
    public static let maximumBytes = 20 * 1024

    public init(document: String, revision: String) {
        self.document = document
        self.revision = revision
    }

    /// A revision id for a change at `now` that differs from `previous`.
    public static func revision(at now: Double, after previous: String?) -> String {
        var milliseconds = Int((now * 1000).rounded(.down))
        if let previous, let last = Int(previous), last >= milliseconds { milliseconds = last + 1 }
        return String(milliseconds)
    }
}

extension TableDefinition {
    /// The policy of the resource `label` names: the table's (nil) or one
    /// of its streams'.
    public func policy(ofStream label: String?) -> ResourcePolicy? {
        label.map { streamPolicies[$0] } ?? resourcePolicy
    }

    public mutating func setPolicy(_ policy: ResourcePolicy?, ofStream label: String?) {
        if let label { streamPolicies[label] = policy } else { resourcePolicy = policy }
    }
}
