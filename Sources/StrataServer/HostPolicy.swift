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
        let bytes = Array(host.utf8)
        var nameEnd: Int
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1,
                  bytes[1..<close].allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return nil }
            nameEnd = close + 1
        } else {
            nameEnd = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count
            guard nameEnd > 0, nameEnd <= 253,
                  bytes[..<nameEnd].allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { return nil }
        }
        let port = bytes[nameEnd...]
        if !port.isEmpty {
            guard port.first == UInt8(ascii: ":"), (2...6).contains(port.count), port.dropFirst().allSatisfy(isDigit) else { return nil }
        }
        return String(decoding: bytes[..<nameEnd], as: UTF8.self).lowercased()
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    private static func isLoopback(_ name: String) -> Bool {
        if name == "localhost" || name.hasSuffix(".localhost") || name == "[::1]" || name == "::1" { return true }
        // On bytes: splitting the String itself walks it a Character at a time.
        let octets = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0].elementsEqual("127".utf8)
            && octets.allSatisfy { UInt8(Substring($0)) != nil }
    }
}
