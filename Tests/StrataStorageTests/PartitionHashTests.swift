import COpenSSL
import StrataModel
import StrataStorage
import Testing

/// The partition hash is persisted, and Strata computes its MD5 itself:
/// it must agree with OpenSSL's on every input length, across block and
/// padding boundaries.
struct PartitionHashTests {
    @Test func agreesWithOpenSSLForEveryLengthUpToFourBlocks() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...260 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(PartitionHash.hash(.b(bytes)) == Self.openSSLHash([0x03] + bytes), "length \(length)")
        }
    }

    @Test func agreesWithOpenSSLForStringsAndNumbers() throws {
        #expect(PartitionHash.hash(.s("")) == Self.openSSLHash([0x01]))
        #expect(PartitionHash.hash(.s("user000000042")) == Self.openSSLHash([0x01] + Array("user000000042".utf8)))
        #expect(PartitionHash.hash(.s("é☃𝄞")) == Self.openSSLHash([0x01] + Array("é☃𝄞".utf8)))
        let number = try DynamoNumber(parsing: "-12.500")
        #expect(PartitionHash.hash(.n(number)) == Self.openSSLHash([0x02] + Array(number.text.utf8)))
    }

    @Test func encodedKeyLeadsWithTheHashAndLength() {
        let key = KeyEncoding.encode(PrimaryKey(partition: .s("abc"), sort: nil))
        #expect(KeyEncoding.hash(ofEncoded: key) == PartitionHash.hash(.s("abc")))
        #expect(Array(key[8...]) == [0, 0, 0, 4, 0x01] + Array("abc".utf8))
    }

    private static func openSSLHash(_ input: [UInt8]) -> UInt64 {
        var digest = [UInt8](repeating: 0, count: Int(MD5_DIGEST_LENGTH))
        input.withUnsafeBufferPointer { buffer in
            _ = EVP_Digest(buffer.baseAddress, buffer.count, &digest, nil, EVP_md5(), nil)
        }
        return digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
