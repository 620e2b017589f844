import StrataModel

/// AWS Signature Version 4 as a pure function of the request, the secret
/// and the credential scope: the canonical request, the string to sign,
/// the signing key and the signature. The server verifies with the same
/// code a client signs with.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Date (`20150830`), region, service: what a signature is scoped to.
    public struct Scope: Sendable, Hashable {
        public var date: String
        public var region: String
        public var service: String

        public init(date: String, region: String, service: String) {
            self.date = date
            self.region = region
            self.service = service
        }

        public var text: String { "\(date)/\(region)/\(service)/aws4_request" }
    }

    /// The canonical form of `request`, signing the headers `signedHeaders`
    /// (lower case, sorted).
    public static func canonicalRequest(_ request: SignedRequest, signedHeaders: [String]) -> String {
        String(decoding: canonicalBytes(request, signedHeaders: signedHeaders), as: UTF8.self)
    }

    /// The same as bytes, built in one buffer: a verifier makes one per request.
    static func canonicalBytes(_ request: SignedRequest, signedHeaders: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        let newline = UInt8(ascii: "\n")
        let (path, query) = split(request.uri)
        out.append(contentsOf: request.method.utf8)
        out.append(newline)
        out.append(contentsOf: canonicalPath(path).utf8)
        out.append(newline)
        out.append(contentsOf: canonicalQuery(query).utf8)
        out.append(newline)
        for name in signedHeaders {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            var first = true
            for header in request.headers where SignedRequest.isNamed(header.name, name) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendCanonicalValue(header.value, to: &out)
            }
            out.append(newline)
        }
        out.append(newline)
        for (position, name) in signedHeaders.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(newline)
        Digest.appendHex(Digest.sha256(request.body), to: &out)
        return out
    }

    public static func stringToSign(canonicalRequest: String, amzDate: String, scope: Scope) -> String {
        stringToSign(canonicalHash: Digest.sha256(canonicalRequest.utf8), amzDate: amzDate, scope: scope)
    }

    static func stringToSign(canonicalHash: [UInt8], amzDate: String, scope: Scope) -> String {
        String(decoding: stringToSignBytes(canonicalHash: canonicalHash, amzDate: amzDate, scope: scope), as: UTF8.self)
    }

    /// The same as bytes, built in one buffer, for a verifier.
    static func stringToSignBytes(canonicalHash: [UInt8], amzDate: String, scope: Scope) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append(contentsOf: algorithm.utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: amzDate.utf8)
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: scope.date.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: scope.region.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: scope.service.utf8)
        out.append(contentsOf: "/aws4_request\n".utf8)
        Digest.appendHex(canonicalHash, to: &out)
        return out
    }

    public static func signingKey(secret: String, scope: Scope) -> [UInt8] {
        let date = Digest.hmacSHA256(key: Array(("AWS4" + secret).utf8), scope.date.utf8)
        let region = Digest.hmacSHA256(key: date, scope.region.utf8)
        let service = Digest.hmacSHA256(key: region, scope.service.utf8)
        return Digest.hmacSHA256(key: service, "aws4_request".utf8)
    }

    public static func signature(signingKey: [UInt8], stringToSign: String) -> String {
        Digest.hex(Digest.hmacSHA256(key: signingKey, stringToSign.utf8))
    }

    /// The Authorization header a client sends for `request`, signing
    /// every header it carries; `amzDate` must be its X-Amz-Date.
    public static func authorization(
        for request: SignedRequest, accessKey: String, secret: String, amzDate: String, scope: Scope
    ) -> String {
        let signedHeaders = Array(Set(request.headers.map { $0.name.lowercased() })).sorted()
        let canonical = canonicalRequest(request, signedHeaders: signedHeaders)
        let signature = signature(
            signingKey: signingKey(secret: secret, scope: scope),
            stringToSign: stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope))
        return "\(algorithm) Credential=\(accessKey)/\(scope.text), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    // MARK: Canonical forms

    private static func split(_ uri: String) -> (Substring, Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (Substring(uri), "") }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }

    /// The path as sent, encoded once more (every service but S3 signs it
    /// so); an empty path is `/`.
    static func canonicalPath(_ path: Substring) -> String {
        path.isEmpty ? "/" : encode(path, keepingSlash: true)
    }

    /// Parameters decoded, encoded the one canonical way, sorted by name
    /// then value.
    static func canonicalQuery(_ query: Substring) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { parameter -> (String, String) in
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = encode(Substring(decode(parts[0])), keepingSlash: false)
            let value = parts.count > 1 ? encode(Substring(decode(parts[1])), keepingSlash: false) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0)=\($1)" }.joined(separator: "&")
    }

    /// A header value trimmed, its runs of spaces made one.
    public static func canonicalValue(_ value: String) -> String {
        var out: [UInt8] = []
        appendCanonicalValue(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendCanonicalValue(_ value: String, to out: inout [UInt8]) {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        // Nearly every value is canonical already: copied whole.
        let copied = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last, !isSpace(first), !isSpace(last) else { return bytes.isEmpty }
            for position in 1..<bytes.count where isSpace(bytes[position]) && (bytes[position] != UInt8(ascii: " ") || isSpace(bytes[position - 1])) {
                return false
            }
            out.append(contentsOf: bytes)
            return true
        }
        guard copied != true else { return }
        var started = false, pendingSpace = false
        for byte in value.utf8 {
            if isSpace(byte) {
                pendingSpace = started
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                started = true
                out.append(byte)
            }
        }
    }

    private static func encode(_ text: Substring, keepingSlash: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlash:
                out.append("/")
            default:
                let digits = Array("0123456789ABCDEF")
                out.append("%")
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// A query string's component: `+` is a space.
    private static func decode(_ text: Substring) -> String {
        PercentDecoding.decode(text, plusIsSpace: true)
    }
}
