/// What SigV4 signs of an HTTP request, as plain values: no HTTP library
/// in sight, so that the same code signs (tests, tools) and verifies (the
/// server).
public struct SignedRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query, still percent-encoded.
    public var uri: String
    /// Every header, in the order sent, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// The values of the header `name` (any case), in order.
    public func values(of name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    public func value(of name: String) -> String? {
        values(of: name).first
    }
}
