import CZlib

/// Inflates request bodies sent with `Content-Encoding: gzip` or `deflate`,
/// as AWS SDKs may send them, never past the body size limit.
enum RequestDecompression {
    enum Failure: Error {
        /// The encoding is neither gzip nor deflate.
        case unsupportedEncoding
        /// The data is not valid for its encoding, or is truncated.
        case corrupt
        /// Inflated, it would exceed the request size limit.
        case tooLarge
    }

    /// The decoded body, or nil when no decoding applies.
    static func decode(_ body: [UInt8], contentEncoding: String?, limit: Int) throws(Failure) -> [UInt8]? {
        guard let encoding = contentEncoding.map({ $0[...].trimmingOptionalWhitespace.lowercased() }), !encoding.isEmpty, encoding != "identity" else {
            return nil
        }
        switch encoding {
        case "gzip": return try inflate(body, windowBits: 15 + 16, limit: limit)
        case "deflate": return try inflate(body, windowBits: 15, limit: limit)
        default: throw .unsupportedEncoding
        }
    }

    /// The body as the API reads it: decoded, or as sent when no decoding applies.
    static func decoded(_ body: [UInt8], contentEncoding: String?, limit: Int) -> Result<[UInt8], Failure> {
        do throws(Failure) {
            return .success(try decode(body, contentEncoding: contentEncoding, limit: limit) ?? body)
        } catch {
            return .failure(error)
        }
    }

    /// Inflates every member in turn: gzip bodies may hold several.
    private static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt }
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw .corrupt }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var failure: Failure?
        input.withUnsafeBufferPointer { inputBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = UInt32(inputBuffer.count)
            while failure == nil {
                let status = chunk.withUnsafeMutableBufferPointer { chunkBuffer -> Int32 in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if output.count > limit {
                    failure = .tooLarge
                } else if status == Z_STREAM_END {
                    if stream.avail_in == 0 { return }
                    if inflateReset(&stream) != Z_OK { failure = .corrupt }
                } else if status != Z_OK || (stream.avail_in == 0 && stream.avail_out != 0) {
                    // An error, or all input consumed without reaching the end of the stream.
                    failure = .corrupt
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
