import CZlib

/// Compresses an answer above 4 KB when the client's Accept-Encoding asks,
/// choosing between gzip and deflate the way DynamoDB reads that header.
enum ResponseCompression {
    enum Encoding: String, Sendable {
        case gzip
        case deflate
    }

    /// Answers of this many bytes or fewer go out as they are.
    static let threshold = 4096

    /// The encoding to answer in, from the request's first Accept-Encoding
    /// header (DynamoDB reads no other). Each element is a coding (case
    /// insensitive, trimmed) and its quality: the value after the first
    /// `q=` in its parameters, 1 when it is not a number, clamped to 0...1.
    /// The highest quality above 0 wins; between equals, a coding named
    /// beats one reached through `*`, then the one named first, then gzip.
    static func choose(acceptEncoding header: String?) -> Encoding? {
        guard let header else { return nil }
        var named: [(encoding: Encoding, quality: Double)] = []
        var wildcard: Double?
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            let coding = parts[0].trimmingOptionalWhitespace.lowercased()
            let quality = parts.count > 1 ? Self.quality(parts[1]) : 1
            if coding == "*" {
                if wildcard == nil { wildcard = quality }
            } else if let encoding = Encoding(rawValue: coding) {
                if let position = named.firstIndex(where: { $0.encoding == encoding }) {
                    named[position].quality = max(named[position].quality, quality)
                } else {
                    named.append((encoding, quality))
                }
            }
        }
        var best: (encoding: Encoding, quality: Double)?
        for candidate in named where candidate.quality > 0 && candidate.quality > (best?.quality ?? 0) { best = candidate }
        if let wildcard, wildcard > 0 {
            for encoding in [Encoding.gzip, .deflate] where !named.contains(where: { $0.encoding == encoding }) && wildcard > (best?.quality ?? 0) {
                best = (encoding, wildcard)
            }
        }
        return best?.encoding
    }

    private static func quality(_ parameters: Substring) -> Double {
        guard let start = parameters.firstRange(of: "q=")?.upperBound else { return 1 }
        let value = parameters[start...].prefix { $0 != ";" }.trimmingOptionalWhitespace
        guard let number = Double(value) else { return 1 }
        return min(max(number, 0), 1)
    }

    /// `body` compressed, or nil if zlib failed (the answer then goes out as it is).
    static func compress(_ body: [UInt8], as encoding: Encoding) -> [UInt8]? {
        var stream = z_stream()
        let windowBits: Int32 = encoding == .gzip ? 15 + 16 : 15
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(body.count))))
        let status = body.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
