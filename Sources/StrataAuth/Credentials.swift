/// The access keys a server accepts, each with its secret and, for
/// temporary credentials, the session token a request must carry.
public struct Credentials: Sendable {
    public struct Secret: Sendable, Equatable {
        public var secret: String
        public var sessionToken: String?

        public init(secret: String, sessionToken: String? = nil) {
            self.secret = secret
            self.sessionToken = sessionToken
        }
    }

    public private(set) var keys: [String: Secret] = [:]

    public init() {}

    public mutating func add(accessKey: String, _ secret: Secret) {
        keys[accessKey] = secret
    }

    /// Adds one `KEY:SECRET` or `KEY:SECRET:SESSION_TOKEN`; false if it
    /// has neither a key nor a secret.
    @discardableResult
    public mutating func add(_ text: String) -> Bool {
        let fields = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else { return false }
        add(accessKey: fields[0], Secret(secret: fields[1], sessionToken: fields.count == 3 ? fields[2] : nil))
        return true
    }

    public func secret(for accessKey: String) -> Secret? {
        keys[accessKey]
    }
}
