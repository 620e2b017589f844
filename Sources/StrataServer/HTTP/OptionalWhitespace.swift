extension Substring {
    /// The text without the spaces and tabs at its ends: HTTP's optional
    /// whitespace around a field value or a list element. Found on the
    /// UTF-8 bytes: a trim built from reversed Characters went through the
    /// standard library's unspecialized generic code, about 34,000
    /// instructions for every `Accept-Encoding: identity` that Python's and
    /// the AWS SDKs' clients send (Benchmarks/README, session 20).
    var trimmingOptionalWhitespace: Substring {
        let isWhitespace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = utf8.firstIndex(where: { !isWhitespace($0) }),
              let last = utf8.lastIndex(where: { !isWhitespace($0) }) else { return "" }
        // The byte after the last one kept is whitespace or the end: a character boundary.
        return self[first..<utf8.index(after: last)]
    }
}
