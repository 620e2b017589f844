/// Backend messages, cut out of what the transport delivers. A message is
/// a type byte, a 4-byte length (counting itself) and its body.
struct MessageReader {
    var buffer: [UInt8] = []
    private var start = 0
    /// Larger messages are refused: nothing Strata reads comes near it
    /// (an item is at most 400 KB), and a corrupt length must not make us
    /// wait for or allocate gigabytes.
    static let largestMessage = 64 << 20

    init() {
        buffer.reserveCapacity(16 << 10)
    }

    /// The next message, reading from `transport` until it is whole; its
    /// body is `buffer[body]`, valid until the next call.
    mutating func next(from transport: any Transport, deadline: ContinuousClock.Instant) throws(WireError) -> (type: UInt8, body: Range<Int>) {
        while true {
            if let message = try nextBuffered() { return message }
            try transport.read(into: &buffer, deadline: deadline)
        }
    }

    /// The next message if the buffer holds all of it; else nil, with the
    /// consumed messages dropped so that reads append after the rest.
    mutating func nextBuffered() throws(WireError) -> (type: UInt8, body: Range<Int>)? {
        if buffer.count - start >= 5 {
            let length = Int(Int32(bigEndianBytes: buffer[(start + 1)..<(start + 5)]))
            guard length >= 4, length <= Self.largestMessage else {
                throw .protocolViolation("a message of \(length) bytes")
            }
            if buffer.count - start >= 1 + length {
                let type = buffer[start]
                let body = (start + 5)..<(start + 1 + length)
                start += 1 + length
                return (type, body)
            }
        }
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        return nil
    }

    /// A single byte outside the message framing (the answer to SSLRequest).
    mutating func byte(from transport: any Transport, deadline: ContinuousClock.Instant) throws(WireError) -> UInt8 {
        while buffer.count - start < 1 { try transport.read(into: &buffer, deadline: deadline) }
        defer { start += 1 }
        return buffer[start]
    }
}

/// Reads the fields of a message body in order.
struct BodyCursor {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], _ range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    mutating func int32() throws(WireError) -> Int32 {
        guard end - position >= 4 else { throw .protocolViolation("a message ends early") }
        defer { position += 4 }
        return Int32(bigEndianBytes: bytes[position..<(position + 4)])
    }

    mutating func int16() throws(WireError) -> Int16 {
        guard end - position >= 2 else { throw .protocolViolation("a message ends early") }
        defer { position += 2 }
        return Int16(bigEndianBytes: bytes[position..<(position + 2)])
    }

    mutating func byte() throws(WireError) -> UInt8 {
        guard position < end else { throw .protocolViolation("a message ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func cString() throws(WireError) -> String {
        guard let nul = bytes[position..<end].firstIndex(of: 0) else { throw .protocolViolation("a string has no end") }
        defer { position = nul + 1 }
        return String(decoding: bytes[position..<nul], as: UTF8.self)
    }

    mutating func rest() -> ArraySlice<UInt8> {
        defer { position = end }
        return bytes[position..<end]
    }

    /// `count` bytes, as a range of `bytes`.
    mutating func range(_ count: Int) throws(WireError) -> Range<Int> {
        guard count >= 0, end - position >= count else { throw .protocolViolation("a message ends early") }
        defer { position += count }
        return position..<(position + count)
    }
}
