/// The parts of a SigV4 Authorization header: `AWS4-HMAC-SHA256
/// Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b,
/// Signature=HEX`. The parts may be separated by commas, spaces or both.
public struct AuthorizationHeader: Sendable, Equatable {
    public var accessKey: String
    public var scope: SigV4.Scope
    public var signedHeaders: [String]
    public var signature: String

    /// What is missing or malformed, in DynamoDB's words.
    public enum Problem: Error, Equatable {
        case unsupportedAlgorithm(String)
        case missing([String])
        case malformedCredential(String)
    }

    public init(parsing header: String) throws(Problem) {
        let trimmed = header.drop { $0 == " " }
        let algorithm = trimmed.prefix { $0 != " " }
        guard algorithm == SigV4.algorithm else { throw .unsupportedAlgorithm(String(algorithm)) }
        var parts: [Substring: Substring] = [:]
        for part in trimmed.dropFirst(algorithm.count).split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let equals = part.firstIndex(of: "=") else { continue }
            parts[part[..<equals]] = part[part.index(after: equals)...]
        }
        let missing = ["Credential", "Signature", "SignedHeaders"].filter { parts[Substring($0)] == nil }
        guard missing.isEmpty, let credential = parts["Credential"], let signed = parts["SignedHeaders"], let signature = parts["Signature"]
        else { throw .missing(missing) }
        let fields = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[4] == "aws4_request", !fields[0].isEmpty else { throw .malformedCredential(String(credential)) }
        accessKey = String(fields[0])
        scope = SigV4.Scope(date: String(fields[1]), region: String(fields[2]), service: String(fields[3]))
        signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
        self.signature = String(signature)
    }
}
