import Testing

@testable import StrataPostgresWire

/// SCRAM-SHA-256 against RFC 7677's example exchange (whose user name is
/// "user"; PostgreSQL sends an empty one), and the server answers a client
/// must refuse.
@Suite struct SCRAMClientTests {
    static let clientNonce = "rOprNGfwEbeRWgbNEkqO"
    static let serverFirst = Array("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".utf8)
    static let serverFinal = Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8)

    static func rfcClient() -> SCRAMClient {
        SCRAMClient(password: "pencil", nonce: clientNonce, username: "user")
    }

    @Test func rfc7677ExampleGivesTheExpectedMessagesAndAcceptsTheServerSignature() throws {
        var client = Self.rfcClient()
        #expect(String(decoding: client.clientFirstMessage, as: UTF8.self) == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let clientFinal = try client.clientFinalMessage(serverFirst: Self.serverFirst)
        #expect(
            String(decoding: clientFinal, as: UTF8.self)
                == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        try client.verify(serverFinal: Self.serverFinal)
    }

    @Test func postgresClientFirstMessageHasAnEmptyUserAndARandomNonce() {
        let first = String(decoding: SCRAMClient(password: "secret").clientFirstMessage, as: UTF8.self)
        #expect(first.hasPrefix("n,,n=,r="))
        #expect(first.count == "n,,n=,r=".count + 32)
        let other = String(decoding: SCRAMClient(password: "secret").clientFirstMessage, as: UTF8.self)
        #expect(first != other)
    }

    @Test func wrongServerSignatureIsRejected() throws {
        var client = Self.rfcClient()
        _ = try client.clientFinalMessage(serverFirst: Self.serverFirst)
        let forged = Array("v=\(String(decoding: Base64.encode([UInt8](repeating: 7, count: 32)), as: UTF8.self))".utf8)
        #expect(throws: WireError.authentication("the server's SCRAM signature is wrong")) {
            try client.verify(serverFinal: forged)
        }
    }

    @Test func wrongPasswordGivesASignatureThatDoesNotMatch() throws {
        var client = SCRAMClient(password: "pencils", nonce: Self.clientNonce, username: "user")
        _ = try client.clientFinalMessage(serverFirst: Self.serverFirst)
        #expect(throws: WireError.authentication("the server's SCRAM signature is wrong")) {
            try client.verify(serverFinal: Self.serverFinal)
        }
    }

    @Test func serverNonceNotExtendingOursIsRejected() {
        var client = Self.rfcClient()
        for serverFirst in ["r=XOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"] {
            #expect(throws: WireError.protocolViolation("the server's SCRAM nonce does not extend ours")) {
                _ = try client.clientFinalMessage(serverFirst: Array(serverFirst.utf8))
            }
        }
    }

    @Test func serverErrorIsReportedAsAuthenticationFailure() throws {
        var client = Self.rfcClient()
        _ = try client.clientFinalMessage(serverFirst: Self.serverFirst)
        #expect(throws: WireError.authentication("invalid-proof")) {
            try client.verify(serverFinal: Array("e=invalid-proof".utf8))
        }
    }

    @Test(arguments: [
        "r=rOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
        "r=rOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000001",
        "r=rOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-5",
        "r=rOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ=,i=4096",
        "r=rOprNGfwEbeRWgbNEkqO%hvY,s=,i=4096",
        "r=rOprNGfwEbeRWgbNEkqO%hvY,i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",
        "m=ext,r=rOprNGfwEbeRWgbNEkqO%hvY,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "",
    ])
    func malformedServerFirstMessageIsAProtocolViolation(serverFirst: String) {
        var client = Self.rfcClient()
        #expect {
            _ = try client.clientFinalMessage(serverFirst: Array(serverFirst.utf8))
        } throws: { error in
            if case WireError.protocolViolation = error { true } else { false }
        }
    }

    @Test func serverFinalBeforeClientFinalIsAProtocolViolation() {
        #expect {
            try Self.rfcClient().verify(serverFinal: Self.serverFinal)
        } throws: { error in
            if case WireError.protocolViolation = error { true } else { false }
        }
    }
}
