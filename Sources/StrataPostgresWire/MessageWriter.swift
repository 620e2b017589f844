/// Frontend messages, framed into one buffer so that a whole exchange
/// (Parse, Bind, Execute, Sync) goes out in one write.
struct MessageWriter {
    private(set) var bytes: [UInt8] = []

    /// A message: its type byte, its length, then what `body` appends.
    mutating func message(_ type: UInt8, _ body: (inout [UInt8]) -> Void) {
        bytes.append(type)
        frame(body)
    }

    /// A message without a type byte (the startup message, SSLRequest).
    mutating func untyped(_ body: (inout [UInt8]) -> Void) {
        frame(body)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func frame(_ body: (inout [UInt8]) -> Void) {
        let lengthAt = bytes.count
        bytes.appendBigEndian(Int32(0))
        body(&bytes)
        let length = Int32(bytes.count - lengthAt)
        withUnsafeBytes(of: length.bigEndian) { bytes.replaceSubrange(lengthAt..<(lengthAt + 4), with: $0) }
    }
}

extension Array where Element == UInt8 {
    /// A NUL-terminated string, as the protocol writes names and SQL.
    mutating func appendCString(_ text: String) {
        append(contentsOf: text.utf8)
        append(0)
    }
}
