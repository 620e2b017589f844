import StrataAuth
import Testing

/// SHA-256 and HMAC-SHA256 against published vectors (FIPS 180-2's "abc",
/// RFC 4231's cases 2 and 6: a short key, and a key longer than a block,
/// which HMAC hashes first), and a key reused across messages.
@Suite struct DigestTests {
    @Test func sha256OfAbc() {
        #expect(Digest.hex(Digest.sha256("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hmacWithAShortKey() {
        #expect(Digest.hex(Digest.hmacSHA256(key: Array("Jefe".utf8), "what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacWithAKeyLongerThanABlock() {
        let key = [UInt8](repeating: 0xAA, count: 131)
        #expect(Digest.hex(Digest.hmacSHA256(key: key, "Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func aKeyServesManyMessages() {
        let key = Digest.HMACKey(Array("Jefe".utf8))
        let first = key.authenticate("what do ya want for nothing?".utf8)
        _ = key.authenticate("something else".utf8)
        #expect(key.authenticate("what do ya want for nothing?".utf8) == first)
    }
}
