import COpenSSL

/// SHA-256 and HMAC-SHA256 from the system's libcrypto, and lower-case hex.
/// They call libcrypto's SHA-256 directly: its EVP one-shots fetch the
/// algorithm under a lock on every call, which cost a signed GetItem more
/// than the hashing itself (Benchmarks/auth).
public enum Digest {
    public static let sha256Length = Int(SHA256_DIGEST_LENGTH)

    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        update(&context, bytes)
        return finish(&context)
    }

    public static func hmacSHA256(key: [UInt8], _ message: some Collection<UInt8>) -> [UInt8] {
        HMACKey(key).authenticate(message)
    }

    /// An HMAC-SHA256 key with its inner and outer pads already hashed, so
    /// that each message costs only its own blocks and one more: a verifier
    /// keeps one per signing key.
    public struct HMACKey: Sendable {
        private var inner = SHA256_CTX()
        private var outer = SHA256_CTX()

        public init(_ key: [UInt8]) {
            let blockLength = Int(SHA256_CBLOCK)
            var block = key.count > blockLength ? Digest.sha256(key) : key
            block += Array(repeating: 0, count: blockLength - block.count)
            SHA256_Init(&inner)
            Digest.update(&inner, block.map { $0 ^ 0x36 })
            SHA256_Init(&outer)
            Digest.update(&outer, block.map { $0 ^ 0x5C })
        }

        public func authenticate(_ message: some Collection<UInt8>) -> [UInt8] {
            var innerContext = inner, outerContext = outer
            Digest.update(&innerContext, message)
            Digest.update(&outerContext, Digest.finish(&innerContext))
            return Digest.finish(&outerContext)
        }
    }

    private static func update(_ context: inout SHA256_CTX, _ bytes: some Collection<UInt8>) {
        let hashed = bytes.withContiguousStorageIfAvailable { buffer in
            SHA256_Update(&context, buffer.baseAddress, buffer.count)
        }
        if hashed == nil {
            Array(bytes).withUnsafeBufferPointer { buffer in _ = SHA256_Update(&context, buffer.baseAddress, buffer.count) }
        }
    }

    private static func finish(_ context: inout SHA256_CTX) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: sha256Length) { buffer, count in
            SHA256_Final(buffer.baseAddress, &context)
            count = sha256Length
        }
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        appendHex(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendHex(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            let high = byte >> 4, low = byte & 0x0F
            out.append(high < 10 ? high + 48 : high + 87)
            out.append(low < 10 ? low + 48 : low + 87)
        }
    }
}
