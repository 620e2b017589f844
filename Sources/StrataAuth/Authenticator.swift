import StrataModel
import Synchronization

/// Checks a request's SigV4 signature as DynamoDB does, in its order and
/// with its errors: a missing or malformed Authorization header, the date
/// against a 15-minute window, the access key, the credential scope (this
/// server's region, service `dynamodb`, the date of X-Amz-Date), the
/// session token, and last the signature itself.
public final class Authenticator: Sendable {
    private let credentials: Credentials
    private let region: String
    private struct SigningKeyName: Hashable {
        let accessKey: String
        let scope: SigV4.Scope
    }

    /// Signing keys by access key and scope: a key changes once a day.
    private let signingKeys = Mutex<[SigningKeyName: Digest.HMACKey]>([:])

    /// How far a request's time may be from the server's.
    public static let allowedSkew = 15 * 60
    public static let service = "dynamodb"

    public init(credentials: Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    /// The principal who signed `request`, or the error DynamoDB answers.
    public func authenticate(_ request: SignedRequest, now: Double) throws(DynamoError) -> Principal {
        guard let header = request.value(of: "authorization") else {
            throw .missingAuthenticationToken("Request is missing Authentication Token")
        }
        let authorization: AuthorizationHeader
        do {
            authorization = try AuthorizationHeader(parsing: header)
        } catch {
            throw Self.incomplete(error, header: header)
        }
        guard let sentDate = request.value(of: "x-amz-date"), case let amzDate = SigV4.canonicalValue(sentDate),
              let signedAt = AmzDate.parse(amzDate) else {
            throw .incompleteSignature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=\(header)")
        }
        let current = Int(now.rounded(.down))
        if signedAt < current - Self.allowedSkew {
            throw .invalidSignature(
                "Signature expired: \(AmzDate.format(signedAt)) is now earlier than \(AmzDate.format(current - Self.allowedSkew)) (\(AmzDate.format(current)) - 15 min.)")
        }
        if signedAt > current + Self.allowedSkew {
            throw .invalidSignature(
                "Signature not yet current: \(AmzDate.format(signedAt)) is still later than \(AmzDate.format(current + Self.allowedSkew)) (\(AmzDate.format(current)) + 15 min.)")
        }
        guard let secret = credentials.secret(for: authorization.accessKey) else {
            throw .unrecognizedClient("The security token included in the request is invalid.")
        }
        let scope = authorization.scope
        let amzDay = String(amzDate.prefix(8))
        guard scope.date == amzDay else {
            throw .invalidSignature(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(scope.date)' != '\(amzDay)', from '\(sentDate)'.")
        }
        guard scope.region == region else {
            throw .invalidSignature("Credential should be scoped to a valid region. ")
        }
        guard scope.service == Self.service else {
            throw .invalidSignature("Credential should be scoped to correct service: '\(Self.service)'. ")
        }
        if request.value(of: "x-amz-security-token") != secret.sessionToken {
            throw .unrecognizedClient("The security token included in the request is invalid.")
        }
        let canonical = SigV4.canonicalBytes(request, signedHeaders: authorization.signedHeaders)
        let toSign = SigV4.stringToSignBytes(canonicalHash: Digest.sha256(canonical), amzDate: amzDate, scope: scope)
        let expected = signingKey(accessKey: authorization.accessKey, secret: secret.secret, scope: scope).authenticate(toSign)
        guard Self.constantTimeEqual(hexOf: expected, authorization.signature) else {
            throw .invalidSignature(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        }
        return Principal(accessKeyID: authorization.accessKey)
    }

    private func signingKey(accessKey: String, secret: String, scope: SigV4.Scope) -> Digest.HMACKey {
        let name = SigningKeyName(accessKey: accessKey, scope: scope)
        if let key = signingKeys.withLock({ $0[name] }) { return key }
        let key = Digest.HMACKey(SigV4.signingKey(secret: secret, scope: scope))
        signingKeys.withLock { keys in
            if keys.count > 1024 { keys.removeAll() }
            keys[name] = key
        }
        return key
    }

    private static func incomplete(_ problem: AuthorizationHeader.Problem, header: String) -> DynamoError {
        switch problem {
        case .unsupportedAlgorithm(let algorithm):
            return .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'")
        case .missing(let parts):
            return .incompleteSignature(
                parts.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " ") + " Authorization=\(header)")
        case .malformedCredential(let credential):
            return .incompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'")
        }
    }

    /// Whether `signature` is `digest` in lower-case hex, in a time that
    /// does not depend on where they differ.
    private static func constantTimeEqual(hexOf digest: [UInt8], _ signature: String) -> Bool {
        var expected: [UInt8] = []
        expected.reserveCapacity(2 * digest.count)
        Digest.appendHex(digest, to: &expected)
        let sent = Array(signature.utf8)
        guard sent.count == expected.count else { return false }
        var difference: UInt8 = 0
        for position in 0..<sent.count { difference |= sent[position] ^ expected[position] }
        return difference == 0
    }
}
