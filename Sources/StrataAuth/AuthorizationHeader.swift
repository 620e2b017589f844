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
        // On the header's bytes: Character-wise splitting cost a tenth of a GetItem.
        let bytes = Array(header.utf8)
        var position = bytes.firstIndex { $0 != UInt8(ascii: " ") } ?? bytes.count
        let algorithmStart = position
        while position < bytes.count, bytes[position] != UInt8(ascii: " ") { position += 1 }
        let algorithm = String(decoding: bytes[algorithmStart..<position], as: UTF8.self)
        guard algorithm == SigV4.algorithm else { throw .unsupportedAlgorithm(algorithm) }
        var credential: ArraySlice<UInt8>?, signed: ArraySlice<UInt8>?, signature: ArraySlice<UInt8>?
        while position < bytes.count {
            while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: ",") { position += 1 }
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: " "), bytes[position] != UInt8(ascii: ",") { position += 1 }
            let part = bytes[start..<position]
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = part[..<equals], value = part[(equals + 1)...]
            if name.elementsEqual("Credential".utf8) {
                credential = value
            } else if name.elementsEqual("SignedHeaders".utf8) {
                signed = value
            } else if name.elementsEqual("Signature".utf8) {
                signature = value
            }
        }
        guard let credential, let signed, let signature else {
            throw .missing([("Credential", credential), ("Signature", signature), ("SignedHeaders", signed)].filter { $0.1 == nil }.map(\.0))
        }
        let fields = credential.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard fields.count == 5, fields[4].elementsEqual("aws4_request".utf8), !fields[0].isEmpty else {
            throw .malformedCredential(String(decoding: credential, as: UTF8.self))
        }
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        accessKey = text(fields[0])
        scope = SigV4.Scope(date: text(fields[1]), region: text(fields[2]), service: text(fields[3]))
        signedHeaders = signed.split(separator: UInt8(ascii: ";")).map { name in
            String(decoding: name.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        }
        self.signature = text(signature)
    }

}
