import COpenSSL

/// SHA-256 and HMAC-SHA256 from the system's libcrypto, and lower-case hex.
public enum Digest {
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let input = Array(bytes)
        input.withUnsafeBufferPointer { buffer in
            _ = SHA256(buffer.baseAddress, buffer.count, &out)
        }
        return out
    }

    public static func hmacSHA256(key: [UInt8], _ message: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let input = Array(message)
        key.withUnsafeBufferPointer { keyBuffer in
            input.withUnsafeBufferPointer { buffer in
                _ = HMAC(EVP_sha256(), keyBuffer.baseAddress, Int32(keyBuffer.count), buffer.baseAddress, buffer.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
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
