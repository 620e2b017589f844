#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataAuth

/// `--auth`, `--credentials` and `--credentials-file`: whether requests
/// must be signed, and with which keys. Secrets never reach a log line.
extension Configuration {
    /// nil with `--auth off`: signatures are accepted unchecked.
    func resolvedAuthenticator(region: String) throws -> Authenticator? {
        let mode = (auth ?? Self.environment("STRATA_AUTH") ?? "off").lowercased()
        guard ["off", "sigv4"].contains(mode) else { throw UsageError("auth must be off or sigv4, not \(mode)") }
        guard mode == "sigv4" else { return nil }
        var store = Credentials()
        var entries = credentials
        if entries.isEmpty, let text = Self.environment("STRATA_CREDENTIALS") {
            entries = text.split(separator: ",").map(String.init)
        }
        if let path = credentialsFile {
            entries += try Self.lines(ofFile: path)
        }
        for entry in entries where !store.add(entry) {
            // The key alone: the secret stays out of the message.
            let key = entry.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw UsageError("a credential must be KEY:SECRET (or KEY:SECRET:SESSION_TOKEN); the one for '\(key)' is not")
        }
        guard !store.keys.isEmpty else {
            throw UsageError("--auth sigv4 needs at least one credential: --credentials KEY:SECRET, STRATA_CREDENTIALS or --credentials-file")
        }
        return Authenticator(credentials: store, region: region)
    }

    /// The file's non-empty lines that are not comments (`#`).
    private static func lines(ofFile path: String) throws -> [String] {
        guard let file = fopen(path, "r") else { throw UsageError("cannot read the credentials file \(path)") }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, file) > 0, let buffer {
            let line = String(cString: buffer).split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
            let trimmed = line.drop { $0 == " " }
            if !trimmed.isEmpty, !trimmed.hasPrefix("#") { lines.append(String(trimmed)) }
        }
        return lines
    }
}
