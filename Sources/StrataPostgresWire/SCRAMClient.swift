import COpenSSL

/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL
/// uses it: SASL mechanism "SCRAM-SHA-256" without channel binding (gs2
/// header "n,,"), and an empty user name, since PostgreSQL takes the user
/// from the startup message.
///
/// The exchange: send `clientFirstMessage`; answer the server's first
/// message with `clientFinalMessage(serverFirst:)`; check the server's
/// final message with `verify(serverFinal:)`, which proves the server knew
/// the password too.
struct SCRAMClient {
    /// Bounds the work (PBKDF2 rounds) a server can ask of us. PostgreSQL's
    /// default is 4096.
    static let maximumIterations = 1_000_000

    private static let gs2Header = Array("n,,".utf8)

    // The password is used as its UTF-8 bytes, without the SASLprep
    // normalisation RFC 5802 asks for. PostgreSQL applies SASLprep when it
    // stores the password, so ASCII passwords (and most others) match, but
    // one that SASLprep changes (say one with a non-breaking space) fails.
    private let password: [UInt8]
    private let nonce: [UInt8]
    private let clientFirstBare: [UInt8]
    /// What the server's final message must carry, once the proof is sent.
    private var expectedServerSignature: [UInt8]?

    init(password: String, nonce: String = SCRAMClient.randomNonce()) {
        self.init(password: password, nonce: nonce, username: "")
    }

    /// `username` goes into the messages (and the signatures); PostgreSQL
    /// ignores it and wants it empty. Other values are for test vectors.
    init(password: String, nonce: String, username: String) {
        self.password = Array(password.utf8)
        self.nonce = Array(nonce.utf8)
        clientFirstBare = Array("n=\(Self.saslName(username)),r=\(nonce)".utf8)
    }

    /// "n,,n=,r=<nonce>".
    var clientFirstMessage: [UInt8] {
        Self.gs2Header + clientFirstBare
    }

    /// The answer to the server's first message, "r=<nonce>,s=<salt>,i=<iterations>":
    /// "c=biws,r=<nonce>,p=<proof>".
    mutating func clientFinalMessage(serverFirst: [UInt8]) throws(WireError) -> [UInt8] {
        let attributes = serverFirst.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard attributes.count >= 3,
            let combinedNonce = Self.value(of: "r", in: attributes[0]),
            let encodedSalt = Self.value(of: "s", in: attributes[1]),
            let iterationText = Self.value(of: "i", in: attributes[2])
        else {
            throw .protocolViolation("SCRAM server-first-message is not r=...,s=...,i=...")
        }
        // The server extends our nonce with its own; anything else could be
        // a replay of another exchange.
        guard combinedNonce.count > nonce.count, combinedNonce.starts(with: nonce) else {
            throw .protocolViolation("the server's SCRAM nonce does not extend ours")
        }
        guard let salt = Base64.decode(encodedSalt), !salt.isEmpty else {
            throw .protocolViolation("the server's SCRAM salt is not Base64")
        }
        guard let iterations = Self.decimal(iterationText), (1...Self.maximumIterations).contains(iterations) else {
            throw .protocolViolation("the server's SCRAM iteration count is not between 1 and \(Self.maximumIterations)")
        }

        let saltedPassword = Self.pbkdf2(password: password, salt: salt, iterations: iterations)
        let clientKey = Self.hmac(key: saltedPassword, Array("Client Key".utf8))
        let storedKey = Self.sha256(clientKey)
        let finalWithoutProof = Array("c=".utf8) + Base64.encode(Self.gs2Header) + Array(",r=".utf8) + combinedNonce
        let authMessage = clientFirstBare + [UInt8(ascii: ",")] + serverFirst + [UInt8(ascii: ",")] + finalWithoutProof
        let clientSignature = Self.hmac(key: storedKey, authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = Self.hmac(key: saltedPassword, Array("Server Key".utf8))
        expectedServerSignature = Self.hmac(key: serverKey, authMessage)
        return finalWithoutProof + Array(",p=".utf8) + Base64.encode(proof)
    }

    /// Checks the server's final message, "v=<signature>" or "e=<error>".
    func verify(serverFinal: [UInt8]) throws(WireError) {
        guard let expectedServerSignature else {
            throw .protocolViolation("SCRAM server-final-message before the client's final message")
        }
        // Extensions may follow a comma; none is defined.
        let first = serverFinal.split(separator: UInt8(ascii: ","), maxSplits: 1, omittingEmptySubsequences: false)[0]
        if let error = Self.value(of: "e", in: first) {
            throw .authentication(String(decoding: error, as: UTF8.self))
        }
        guard let encodedSignature = Self.value(of: "v", in: first), let signature = Base64.decode(encodedSignature) else {
            throw .protocolViolation("SCRAM server-final-message is neither v=... nor e=...")
        }
        guard Self.constantTimeEqual(signature, expectedServerSignature) else {
            throw .authentication("the server's SCRAM signature is wrong")
        }
    }

    /// 24 random bytes in Base64: 32 printable characters, none of them ','.
    static func randomNonce() -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        // RAND_bytes fails only when OpenSSL's generator cannot be seeded;
        // a guessable nonce would be worse than stopping.
        precondition(RAND_bytes(&bytes, Int32(bytes.count)) == 1, "OpenSSL's random generator failed")
        return String(decoding: Base64.encode(bytes), as: UTF8.self)
    }

    /// The value of "<name>=<value>", or nil if `attribute` is not that one.
    private static func value(of name: Character, in attribute: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard attribute.count >= 2, attribute.first == name.asciiValue, attribute.dropFirst().first == UInt8(ascii: "=") else {
            return nil
        }
        return attribute.dropFirst(2)
    }

    /// A plain decimal number (no sign, no spaces), or nil; nil too above
    /// ten digits, well past any count we accept.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard (1...10).contains(digits.count) else { return nil }
        var number = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            number = number * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return number
    }

    /// RFC 5802's saslname: ',' and '=' escaped as =2C and =3D.
    private static func saslName(_ username: String) -> String {
        var escaped = ""
        for character in username {
            switch character {
            case ",": escaped += "=2C"
            case "=": escaped += "=3D"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static let digestLength = Int(SHA256_DIGEST_LENGTH)

    private static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: digestLength)
        let succeeded = password.withUnsafeBytes { passwordBytes in
            PKCS5_PBKDF2_HMAC(
                passwordBytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(password.count),
                salt, Int32(salt.count), Int32(iterations), EVP_sha256(), Int32(digestLength), &key)
        }
        // Fails only on allocation failure inside OpenSSL.
        precondition(succeeded == 1, "PKCS5_PBKDF2_HMAC failed")
        return key
    }

    private static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        let result = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length)
        precondition(result != nil && Int(length) == digestLength, "HMAC-SHA256 failed")
        return digest
    }

    private static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        SHA256(bytes, bytes.count, &digest)
        return digest
    }
}
