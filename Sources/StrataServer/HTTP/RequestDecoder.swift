import CByteLoops
import NIOCore
import NIOHTTP1

/// One piece of a request, in order: its head, its body in pieces, its end.
enum RequestPart {
    case head(RequestHead)
    case body(ByteBuffer)
    case end
}

/// What `RequestDecoder` passes on.
enum DecodedRequest {
    case part(RequestPart)
    /// A request whose body came with its head, the usual case: one message
    /// through the pipeline instead of three.
    case whole(RequestHead, body: ByteBuffer)
}

enum RequestDecodingError: Error, Equatable {
    /// Not HTTP/1.1 as RFC 9112 writes it: answered with a 400, then the
    /// connection closes.
    case malformed
    /// The client closed its side in the middle of a request.
    case truncated
}

/// Reads HTTP/1.1 requests off a connection's bytes, strictly: a request
/// line of a known method, a target and `HTTP/1.1` or `HTTP/1.0`; CRLF line
/// ends; header names of token characters right before their colon; no
/// control characters, no folded lines; framing as `RequestHead` checks it;
/// chunked bodies with their extensions and trailers read and dropped.
/// Bodies pass on as slices of what was read, never copied.
struct RequestDecoder: ByteToMessageDecoder {
    typealias InboundOut = DecodedRequest

    /// A head (request line and headers) longer than this is refused
    /// before it ends; `ConnectionStateMachine` refuses shorter ones over
    /// DynamoDB's own limits.
    static var maximumHeadBytes: Int { 64 * 1024 }
    /// A chunk-size line (with its extensions) longer than this is refused.
    static var maximumChunkLineBytes: Int { 4 * 1024 }

    private enum State {
        /// Waiting for a head; the first `scanned` bytes hold no head's end.
        case head(scanned: Int)
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        /// The CRLF after a chunk's data.
        case chunkEnd
        /// After the last chunk: trailer lines to drop, up to an empty line.
        case trailers(scanned: Int)
    }

    private var state = State.head(scanned: 0)

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch state {
        case .head(let scanned):
            guard let end = Self.headEnd(in: buffer, from: scanned) else {
                guard buffer.readableBytes <= Self.maximumHeadBytes, Self.mayStartRequest(buffer) else {
                    throw RequestDecodingError.malformed
                }
                state = .head(scanned: max(0, buffer.readableBytes - 3))
                return .needMoreData
            }
            let head = try buffer.withUnsafeReadableBytes { try Self.parseHead(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
            buffer.moveReaderIndex(forwardBy: end + 4)
            if let length = head.contentLength, let body = buffer.readSlice(length: length) {
                context.fireChannelRead(wrapInboundOut(.whole(head, body: body)))
                state = .head(scanned: 0)
                return .continue
            }
            // The body comes after, in pieces (a whole one was passed on above).
            context.fireChannelRead(wrapInboundOut(.part(.head(head))))
            state = head.contentLength.map { .body(remaining: $0) } ?? .chunkSize
        case .body(let remaining):
            guard let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes)), piece.readableBytes > 0 else {
                return .needMoreData
            }
            context.fireChannelRead(wrapInboundOut(.part(.body(piece))))
            if remaining == piece.readableBytes {
                finish(context)
            } else {
                state = .body(remaining: remaining - piece.readableBytes)
            }
        case .chunkSize:
            guard let size = try Self.chunkSize(in: &buffer) else { return .needMoreData }
            state = size == 0 ? .trailers(scanned: 0) : .chunkData(remaining: size)
        case .chunkData(let remaining):
            guard let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes)), piece.readableBytes > 0 else {
                return .needMoreData
            }
            context.fireChannelRead(wrapInboundOut(.part(.body(piece))))
            state = remaining == piece.readableBytes ? .chunkEnd : .chunkData(remaining: remaining - piece.readableBytes)
        case .chunkEnd:
            guard buffer.readableBytes >= 2 else { return .needMoreData }
            guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw RequestDecodingError.malformed }
            state = .chunkSize
        case .trailers(let scanned):
            guard try dropTrailers(&buffer, scanned: scanned) else { return .needMoreData }
            finish(context)
        }
        return .continue
    }

    /// At the end of the input: what is left must be whole requests.
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if case .head = state, buffer.readableBytes == 0 { return .needMoreData }
        throw RequestDecodingError.truncated
    }

    private mutating func finish(_ context: ChannelHandlerContext) {
        context.fireChannelRead(wrapInboundOut(.part(.end)))
        state = .head(scanned: 0)
    }

    /// Drops the trailer section, up to and with its empty line; false
    /// until it has all arrived.
    private mutating func dropTrailers(_ buffer: inout ByteBuffer, scanned: Int) throws -> Bool {
        guard buffer.readableBytes >= 2 else { return false }
        if buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A {
            buffer.moveReaderIndex(forwardBy: 2)
            return true
        }
        guard let end = Self.headEnd(in: buffer, from: scanned) else {
            guard buffer.readableBytes <= Self.maximumHeadBytes else { throw RequestDecodingError.malformed }
            state = .trailers(scanned: max(0, buffer.readableBytes - 3))
            return false
        }
        // Trailer lines are header lines; they must be well formed, and are not used.
        _ = try buffer.withUnsafeReadableBytes { bytes in
            var reader = HeadReader(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<(end + 2)]))
            return try reader.headerFields()
        }
        buffer.moveReaderIndex(forwardBy: end + 4)
        return true
    }

    /// Whether an unfinished head begins as a request line can: a method's
    /// capital letters, then a space. Garbage is refused as it arrives,
    /// not once 64 KB of it have.
    private static func mayStartRequest(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            for (index, byte) in bytes.prefix(8).enumerated() {
                if byte == UInt8(ascii: " ") { return index > 0 }
                guard byte &- UInt8(ascii: "A") < 26 else { return false }
            }
            return bytes.count < 8
        }
    }

    /// Where the head's empty line (CRLF CRLF) starts, if it has arrived.
    private static func headEnd(in buffer: ByteBuffer, from scanned: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            var index = scanned
            while index + 3 < bytes.count {
                if bytes[index + 3] != UInt8(ascii: "\n") {
                    // The byte 3 on is no LF: no CRLF CRLF starts here or at the next two.
                    index += bytes[index + 3] == UInt8(ascii: "\r") ? 1 : 4
                    continue
                }
                if bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n"), bytes[index + 2] == UInt8(ascii: "\r") {
                    return index
                }
                index += 1
            }
            return nil
        }
    }

    /// The request line and header lines before the empty line.
    private static func parseHead(_ bytes: UnsafeRawBufferPointer) throws(RequestDecodingError) -> RequestHead {
        var reader = HeadReader(bytes: bytes)
        let method = try reader.method()
        let uri = try reader.target()
        let version = try reader.version()
        // The header lines, the last one without its CRLF.
        let block = UnsafeRawBufferPointer(rebasing: bytes[reader.position...])
        var lines = HeadReader(bytes: block)
        let fields = try lines.headerFields()
        let headers = RequestHeaders(bytes: Array(block), fields: fields)
        return try RequestHead(method: method, uri: uri, version: version, headers: headers)
    }

    /// Reads a chunk-size line (hex digits, extensions dropped); nil until
    /// the whole line has arrived.
    private static func chunkSize(in buffer: inout ByteBuffer) throws -> Int? {
        let parsed = try buffer.withUnsafeReadableBytes { bytes throws(RequestDecodingError) -> (size: Int, length: Int)? in
            guard let lineFeed = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
                guard bytes.count <= maximumChunkLineBytes else { throw .malformed }
                return nil
            }
            guard lineFeed > 0, bytes[lineFeed - 1] == UInt8(ascii: "\r"), lineFeed <= maximumChunkLineBytes else { throw .malformed }
            var size = 0
            var index = 0
            while index < lineFeed - 1, let digit = HeadReader.hexValue(bytes[index]) {
                // 15 hex digits at most: far above any body this server reads, and no overflow.
                guard index < 15 else { throw .malformed }
                size = size << 4 | digit
                index += 1
            }
            guard index > 0 else { throw .malformed }
            // Chunk extensions (`;name=value`) are allowed and ignored.
            if index < lineFeed - 1 {
                let extensions = lineFeed - 1 - index
                guard bytes[index] == UInt8(ascii: ";") || HeadReader.isSpace(bytes[index]),
                    strata_http_field_content_prefix(bytes.baseAddress! + index, extensions) == extensions
                else { throw .malformed }
            }
            return (size, lineFeed + 1)
        }
        guard let parsed else { return nil }
        buffer.moveReaderIndex(forwardBy: parsed.length)
        return parsed.size
    }
}

/// Reads the pieces of a request head out of its bytes, throwing on the
/// first byte that breaks RFC 9112's grammar.
struct HeadReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    /// The last line of `bytes` may lack its CRLF: a head's last line is
    /// cut off where the empty line that ends the head begins.
    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private static let methods: [(name: [UInt8], method: HTTPMethod)] = [
        (Array("GET".utf8), .GET), (Array("POST".utf8), .POST), (Array("HEAD".utf8), .HEAD), (Array("PUT".utf8), .PUT),
        (Array("DELETE".utf8), .DELETE), (Array("OPTIONS".utf8), .OPTIONS), (Array("PATCH".utf8), .PATCH),
        (Array("TRACE".utf8), .TRACE), (Array("CONNECT".utf8), .CONNECT),
    ]

    mutating func method() throws(RequestDecodingError) -> HTTPMethod {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: " ") { position += 1 }
        let name = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
        guard position < bytes.count, let known = Self.methods.first(where: { $0.name.elementsEqual(name) }) else {
            throw .malformed
        }
        position += 1
        return known.method
    }

    mutating func target() throws(RequestDecodingError) -> String {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: " ") {
            let byte = bytes[position]
            guard byte > 0x20, byte != 0x7F else { throw .malformed }
            position += 1
        }
        guard position > start, position < bytes.count else { throw .malformed }
        defer { position += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// `HTTP/1.1` or `HTTP/1.0`, and the request line's CRLF (or its end).
    mutating func version() throws(RequestDecodingError) -> HTTPVersion {
        guard bytes.count - position >= 8 else { throw .malformed }
        // The eight bytes as one little-endian word: "HTTP/1.0" and "HTTP/1.1".
        let minor: Int
        switch UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
        case 0x302E_312F_5054_5448: minor = 0
        case 0x312E_312F_5054_5448: minor = 1
        default: throw .malformed
        }
        position += 8
        if position < bytes.count {
            try lineEnd()
        }
        return HTTPVersion(major: 1, minor: minor)
    }

    /// Header lines up to the end of the bytes, each `name: value` and a
    /// CRLF (the last one's may be cut off).
    mutating func headerFields() throws(RequestDecodingError) -> [RequestHeaders.Field] {
        var fields: [RequestHeaders.Field] = []
        fields.reserveCapacity(12)
        while position < bytes.count {
            let nameStart = position
            while position < bytes.count, Self.isTokenCharacter(bytes[position]) { position += 1 }
            // An empty name is also a folded line (leading whitespace) or a stray byte.
            guard position > nameStart, position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw .malformed }
            let name = nameStart..<position
            position += 1
            while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
            let valueStart = position
            position += strata_http_field_content_prefix(bytes.baseAddress! + position, bytes.count - position)
            var valueEnd = position
            while valueEnd > valueStart, Self.isSpace(bytes[valueEnd - 1]) { valueEnd -= 1 }
            fields.append(RequestHeaders.Field(name: name, value: valueStart..<valueEnd))
            if position < bytes.count { try lineEnd() }
        }
        return fields
    }

    private mutating func lineEnd() throws(RequestDecodingError) {
        guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\r"), bytes[position + 1] == UInt8(ascii: "\n") else {
            throw .malformed
        }
        position += 2
    }

    /// RFC 9110's tchar: letters, digits and ! # $ % & ' * + - . ^ _ ` | ~,
    /// as a bitmap of the 128 ASCII bytes.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6CFA_0000_0000  // 0x00-0x3F: ! # $ % & ' * + - . and the digits
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE  // 0x40-0x7F: the letters, ^ _ ` | ~
        switch byte >> 6 {
        case 0: return low >> (byte & 63) & 1 == 1
        case 1: return high >> (byte & 63) & 1 == 1
        default: return false
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
