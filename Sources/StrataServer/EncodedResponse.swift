import NIOCore
import NIOHTTP1
import StrataModel

/// An answer encoded for the wire: status line, DynamoDB's headers and the
/// body in one buffer, so that the event loop only writes it. API answers
/// are encoded on the storage engine's threads, body checksum included.
struct EncodedResponse: Sendable {
    let buffer: ByteBuffer
    /// `Connection: close` went out: the connection closes once it is written.
    let closesConnection: Bool

    /// `includeBody` false answers HEAD: the headers of the answer, no
    /// body. `headers` go out besides DynamoDB's own (CORS, Content-Encoding).
    init(
        status: HTTPResponseStatus, contentType: String, body: [UInt8], requestID: String, keepAlive: Bool,
        includeBody: Bool = true, headers: [(name: String, value: String)] = [], allocator: ByteBufferAllocator
    ) {
        let reason = status.reasonPhrase
        // The head's fixed text and numbers take under 256 bytes.
        let headBound = 256 + reason.utf8.count + contentType.utf8.count + requestID.utf8.count
            + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: headBound + (includeBody ? body.count : 0))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: headBound) { memory in
            var head = HeadText(memory.baseAddress!)
            head.write("HTTP/1.1 ")
            head.write(decimal: UInt64(status.code))
            head.write(" ")
            head.write(reason)
            head.write("\r\nServer: Server\r\nDate: ")
            head.write(HTTPDate.current())
            head.write("\r\nContent-Type: ")
            head.write(contentType)
            head.write("\r\nContent-Length: ")
            head.write(decimal: UInt64(body.count))
            head.write("\r\nx-amzn-RequestId: ")
            head.write(requestID)
            // The SDKs check this CRC32 of the body.
            head.write("\r\nx-amz-crc32: ")
            head.write(decimal: UInt64(CRC32.checksum(body)))
            for header in headers {
                head.write("\r\n")
                head.write(header.name)
                head.write(": ")
                head.write(header.value)
            }
            if !keepAlive { head.write("\r\nConnection: close") }
            head.write("\r\n\r\n")
            return head.count
        }
        if includeBody { buffer.writeBytes(body) }
        self.buffer = buffer
        closesConnection = !keepAlive
    }

    /// An API answer: the operation's JSON, or DynamoDB's error body;
    /// compressed if it is above the threshold and the request's
    /// Accept-Encoding asks for it (the checksum is of the bytes sent).
    /// The header is read only for such an answer: most are smaller.
    init(
        _ result: Result<[UInt8], DynamoError>, requestID: String, keepAlive: Bool,
        acceptEncoding: String? = nil, headers: [(name: String, value: String)] = [], allocator: ByteBufferAllocator
    ) {
        let (status, body): (HTTPResponseStatus, [UInt8]) = switch result {
        case .success(let body): (.ok, body)
        case .failure(let error): (HTTPResponseStatus(statusCode: error.httpStatus), ErrorResponse.body(for: error))
        }
        var headers = headers
        var sent = body
        if body.count > ResponseCompression.threshold, let compression = ResponseCompression.choose(acceptEncoding: acceptEncoding),
           let compressed = ResponseCompression.compress(body, as: compression) {
            sent = compressed
            headers.append(("Content-Encoding", compression.rawValue))
        }
        self.init(
            status: status, contentType: ErrorResponse.contentType, body: sent, requestID: requestID, keepAlive: keepAlive,
            headers: headers, allocator: allocator)
    }
}

/// Text written straight into memory a buffer lent, which has room for it:
/// a dozen `ByteBuffer` writes, each with its own checks, cost more than
/// the rest of an answer's encoding.
private struct HeadText {
    private let base: UnsafeMutableRawPointer
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    mutating func write(_ text: StaticString) {
        (base + count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            guard let source = utf8.baseAddress else { return }
            (base + count).copyMemory(from: source, byteCount: utf8.count)
            count += utf8.count
        }
    }

    mutating func write(decimal value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        rest = value
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            base.storeBytes(of: UInt8(ascii: "0") + UInt8(rest % 10), toByteOffset: position, as: UInt8.self)
            rest /= 10
        }
        count += digits
    }
}
