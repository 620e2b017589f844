import Testing

@testable import StrataPostgresWire

/// The MD5 answer against values computed with Python's hashlib:
/// "md5" + md5(md5(password + user).hexdigest() + salt).hexdigest().
@Suite struct MD5PasswordTests {
    @Test func asciiUserAndPassword() {
        let response = MD5Password.response(user: "alice", password: "secret", salt: [0x01, 0x02, 0x03, 0x04])
        #expect(String(decoding: response, as: UTF8.self) == "md598a0412b9c31436fc53776e863350083")
    }

    @Test func passwordIsHashedAsUTF8() {
        let response = MD5Password.response(user: "postgres", password: "päss", salt: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(String(decoding: response, as: UTF8.self) == "md5563ae7162610fcaeec85b2f8f23b31fd")
    }
}
