import COpenSSL

/// PostgreSQL's answer to AuthenticationMD5Password: "md5" followed by
/// hex(md5(hex(md5(password + user)) + salt)). The inner hash is what the
/// server stores; the 4-byte salt keeps a captured answer from being replayed.
enum MD5Password {
    /// The answer without the C string's terminating NUL, which the caller
    /// adds when it frames the PasswordMessage.
    static func response(user: String, password: String, salt: [UInt8]) -> [UInt8] {
        let stored = hex(md5(Array(password.utf8) + Array(user.utf8)))
        return Array("md5".utf8) + hex(md5(stored + salt))
    }

    private static func md5(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(MD5_DIGEST_LENGTH))
        MD5(bytes, bytes.count, &digest)
        return digest
    }

    /// Lower-case hex, as PostgreSQL writes it, in ASCII bytes.
    private static func hex(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
