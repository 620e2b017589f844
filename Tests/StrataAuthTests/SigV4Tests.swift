import StrataAuth
import StrataModel
import Testing

/// SigV4 against AWS's published examples (the signature test suite's
/// get-vanilla cases, the S3 GET Object example, the signing-key
/// derivation example), and the authenticator's checks in DynamoDB's order.
@Suite struct SigV4Tests {
    static let suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let suiteScope = SigV4.Scope(date: "20150830", region: "us-east-1", service: "service")

    static func vanilla(_ uri: String) -> SignedRequest {
        SignedRequest(method: "GET", uri: uri, headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")], body: [])
    }

    static func signature(_ request: SignedRequest, secret: String, scope: SigV4.Scope, amzDate: String, signed: [String]) -> String {
        let canonical = SigV4.canonicalRequest(request, signedHeaders: signed)
        return SigV4.signature(
            signingKey: SigV4.signingKey(secret: secret, scope: scope),
            stringToSign: SigV4.stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope))
    }

    @Test func theTestSuitesGetVanillaCases() {
        let canonical = SigV4.canonicalRequest(Self.vanilla("/"), signedHeaders: ["host", "x-amz-date"])
        #expect(Digest.hex(Digest.sha256(canonical.utf8)) == "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
        #expect(Self.signature(Self.vanilla("/"), secret: Self.suiteSecret, scope: Self.suiteScope, amzDate: "20150830T123600Z",
                               signed: ["host", "x-amz-date"]) == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        // The query is sorted before signing.
        #expect(Self.signature(
            Self.vanilla("/?Param2=value2&Param1=value1"), secret: Self.suiteSecret, scope: Self.suiteScope, amzDate: "20150830T123600Z",
            signed: ["host", "x-amz-date"]) == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        #expect(SigV4.authorization(
            for: Self.vanilla("/"), accessKey: "AKIDEXAMPLE", secret: Self.suiteSecret, amzDate: "20150830T123600Z", scope: Self.suiteScope)
            == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func theS3GetObjectExampleWithPaddedHeaderValues() {
        let request = SignedRequest(method: "GET", uri: "/test.txt", headers: [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9 "),
            ("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("x-amz-date", "20130524T000000Z "),
        ], body: [])
        let scope = SigV4.Scope(date: "20130524", region: "us-east-1", service: "s3")
        let signed = ["host", "range", "x-amz-content-sha256", "x-amz-date"]
        let canonical = SigV4.canonicalRequest(request, signedHeaders: signed)
        let toSign = SigV4.stringToSign(canonicalRequest: canonical, amzDate: "20130524T000000Z", scope: scope)
        #expect(toSign.split(separator: "\n").last == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        #expect(SigV4.signature(signingKey: SigV4.signingKey(secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", scope: scope), stringToSign: toSign)
            == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func headerValuesAreTrimmedAndTheirSpaceRunsMadeOne() {
        #expect(SigV4.canonicalValue("application/x-amz-json-1.0") == "application/x-amz-json-1.0")
        #expect(SigV4.canonicalValue("  a  b\tc ") == "a b c")
        #expect(SigV4.canonicalValue("a\tb") == "a b")
        #expect(SigV4.canonicalValue("   ") == "")
        #expect(SigV4.canonicalValue("") == "")
    }

    @Test func theSigningKeyDerivationExample() {
        let key = SigV4.signingKey(secret: Self.suiteSecret, scope: SigV4.Scope(date: "20120215", region: "us-east-1", service: "iam"))
        #expect(Digest.hex(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test func amzDatesRoundTrip() {
        #expect(AmzDate.parse("20150830T123600Z") == 1_440_938_160)
        #expect(AmzDate.format(1_440_938_160) == "20150830T123600Z")
        #expect(AmzDate.parse("2015-08-30T12:36:00Z") == nil)
    }

    // MARK: Authenticator

    static let now = 1_800_000_000.0
    static let region = "us-east-1"

    static func authenticator() -> Authenticator {
        var credentials = Credentials()
        credentials.add("alice:alice-secret")
        credentials.add("temp:temp-secret:the-token")
        return Authenticator(credentials: credentials, region: region)
    }

    /// A DynamoDB request signed as boto3 signs it.
    static func signed(
        key: String = "alice", secret: String = "alice-secret", at seconds: Double = now, region: String = region,
        service: String = "dynamodb", extraHeaders: [(String, String)] = []
    ) -> SignedRequest {
        let amzDate = AmzDate.format(Int(seconds))
        var request = SignedRequest(method: "POST", uri: "/", headers: [
            ("Host", "localhost:8000"), ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"), ("X-Amz-Date", amzDate),
        ] + extraHeaders, body: Array("{}".utf8))
        let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: region, service: service)
        request.headers.append(("Authorization", SigV4.authorization(for: request, accessKey: key, secret: secret, amzDate: amzDate, scope: scope)))
        return request
    }

    @Test func aSignedRequestPassesAndTamperingIsCaught() throws {
        let authenticator = Self.authenticator()
        #expect(try authenticator.authenticate(Self.signed(), now: Self.now) == Principal(accessKeyID: "alice"))
        // Whitespace and header-name case that proxies may change do not matter.
        var reshaped = Self.signed()
        reshaped.headers = reshaped.headers.reversed().map { ($0.name.uppercased(), "  " + $0.value + "  ") }
        #expect(try authenticator.authenticate(reshaped, now: Self.now) == Principal(accessKeyID: "alice"))
        var tampered = Self.signed()
        tampered.body = Array(#"{"Limit":1}"#.utf8)
        #expect(throws: DynamoError.invalidSignature(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")) {
            try authenticator.authenticate(tampered, now: Self.now)
        }
    }

    @Test func eachFaultGetsDynamoDBsError() {
        let authenticator = Self.authenticator()
        func error(_ request: SignedRequest, now: Double = Self.now) -> DynamoError? {
            do {
                _ = try authenticator.authenticate(request, now: now)
                return nil
            } catch {
                return error
            }
        }
        var unsigned = Self.signed()
        unsigned.headers.removeAll { $0.name == "Authorization" }
        #expect(error(unsigned) == .missingAuthenticationToken("Request is missing Authentication Token"))
        #expect(error(Self.signed(key: "mallory")) == .unrecognizedClient("The security token included in the request is invalid."))
        #expect(error(Self.signed(secret: "wrong"))?.typeName == "InvalidSignatureException")
        #expect(error(Self.signed(region: "eu-west-1")) == .invalidSignature("Credential should be scoped to a valid region. "))
        #expect(error(Self.signed(service: "s3")) == .invalidSignature("Credential should be scoped to correct service: 'dynamodb'. "))
        #expect(error(Self.signed(at: Self.now - 20 * 60)) == .invalidSignature(
            "Signature expired: 20270115T074000Z is now earlier than 20270115T074500Z (20270115T080000Z - 15 min.)"))
        #expect(error(Self.signed(at: Self.now + 16 * 60)) == .invalidSignature(
            "Signature not yet current: 20270115T081600Z is still later than 20270115T081500Z (20270115T080000Z + 15 min.)"))
        // Temporary credentials need their session token, and only they may carry one.
        #expect(error(Self.signed(key: "temp", secret: "temp-secret"))?.typeName == "UnrecognizedClientException")
        #expect(error(Self.signed(key: "temp", secret: "temp-secret", extraHeaders: [("X-Amz-Security-Token", "the-token")])) == nil)
        #expect(error(Self.signed(extraHeaders: [("X-Amz-Security-Token", "the-token")]))?.typeName == "UnrecognizedClientException")
        var incomplete = Self.signed()
        incomplete.headers[incomplete.headers.count - 1].value = "AWS4-HMAC-SHA256 Credential=alice/20270115/us-east-1/dynamodb/aws4_request"
        #expect(error(incomplete)?.typeName == "IncompleteSignatureException")
    }
}
