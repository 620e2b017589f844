/// Which `Host` headers the server answers. A server listening on a
/// loopback address answers only loopback names, plus those given with
/// `--allowed-host`: a web page whose DNS name is rebound to 127.0.0.1
/// still sends its own name as the host, and is refused. A server
/// listening on any other address answers every host.
struct HostPolicy: Sendable {
    private let loopbackOnly: Bool
    private let allowed: Set<String>

    init(listeningHost: String, allowedHosts: [String]) {
        loopbackOnly = Self.isLoopback(listeningHost.lowercased())
        allowed = Set(allowedHosts.map { $0.lowercased() })
    }

    /// A request without a `Host` (HTTP/1.0) is answered: browsers always send one.
    func permits(_ host: String?) -> Bool {
        guard loopbackOnly, let host else { return true }
        guard let name = Self.name(of: host) else { return false }
        return Self.isLoopback(name) || allowed.contains(name)
    }

    /// The host as the health check may echo it: a well-formed name,
    /// address or bracketed IPv6 address with an optional port, else nil.
    static func wellFormed(_ host: String) -> String? {
        guard host.utf8.count <= 261, name(of: host) != nil else { return nil }
        return host
    }

    /// The host name without its port, lowercased; nil if malformed.
    static func name(of host: String) -> String? {
        var text = Substring(host.lowercased())
        var name: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            name = text[...close]
            text = text[text.index(after: close)...]
            let inner = name.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            let colon = text.firstIndex(of: ":") ?? text.endIndex
            name = text[..<colon]
            text = text[colon...]
            guard !name.isEmpty, name.utf8.count <= 253,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            else { return nil }
        }
        if !text.isEmpty {
            let port = text.dropFirst()
            guard text.first == ":", !port.isEmpty, port.count <= 5, port.allSatisfy(\.isNumber) else { return nil }
        }
        return String(name)
    }

    private static func isLoopback(_ name: String) -> Bool {
        if name == "localhost" || name.hasSuffix(".localhost") || name == "[::1]" || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
