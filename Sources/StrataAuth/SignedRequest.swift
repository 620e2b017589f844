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

    /// The values of the header `name` (lower case), in order.
    public func values(of name: String) -> [String] {
        headers.compactMap { Self.isNamed($0.name, name) ? $0.value : nil }
    }

    public func value(of name: String) -> String? {
        headers.first { Self.isNamed($0.name, name) }?.value
    }

    /// Whether a header name as sent is `lowercased`, in any case (header
    /// names are ASCII); no string is made.
    static func isNamed(_ name: String, _ lowercased: String) -> Bool {
        // Most names differ in length: that check is O(1) on native strings.
        guard name.utf8.count == lowercased.utf8.count else { return false }
        let fast = name.utf8.withContiguousStorageIfAvailable { sent in
            lowercased.utf8.withContiguousStorageIfAvailable { wanted in
                for position in 0..<sent.count where Self.lowercase(sent[position]) != wanted[position] { return false }
                return true
            }
        }
        return (fast ?? nil) ?? name.utf8.elementsEqual(lowercased.utf8) { Self.lowercase($0) == $1 }
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }
}
