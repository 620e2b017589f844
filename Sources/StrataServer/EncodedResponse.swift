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
        var buffer = allocator.buffer(capacity: body.count + 320)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\nServer: Server\r\nDate: ")
        buffer.writeString(HTTPDate.current())
        buffer.writeStaticString("\r\nContent-Type: ")
        buffer.writeString(contentType)
        buffer.writeStaticString("\r\nContent-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\nx-amzn-RequestId: ")
        buffer.writeString(requestID)
        // The SDKs check this CRC32 of the body.
        buffer.writeStaticString("\r\nx-amz-crc32: ")
        buffer.writeString(String(CRC32.checksum(body)))
        for header in headers {
            buffer.writeStaticString("\r\n")
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
        }
        if !keepAlive { buffer.writeStaticString("\r\nConnection: close") }
        buffer.writeStaticString("\r\n\r\n")
        if includeBody { buffer.writeBytes(body) }
        self.buffer = buffer
        closesConnection = !keepAlive
    }

    /// An API answer: the operation's JSON, or DynamoDB's error body;
    /// compressed if the client accepts `compression` and it is above the
    /// threshold (the checksum is of the bytes sent).
    init(
        _ result: Result<[UInt8], DynamoError>, requestID: String, keepAlive: Bool,
        compression: ResponseCompression.Encoding? = nil, headers: [(name: String, value: String)] = [], allocator: ByteBufferAllocator
    ) {
        let (status, body): (HTTPResponseStatus, [UInt8]) = switch result {
        case .success(let body): (.ok, body)
        case .failure(let error): (HTTPResponseStatus(statusCode: error.httpStatus), ErrorResponse.body(for: error))
        }
        var headers = headers
        var sent = body
        if let compression, body.count > ResponseCompression.threshold, let compressed = ResponseCompression.compress(body, as: compression) {
            sent = compressed
            headers.append(("Content-Encoding", compression.rawValue))
        }
        self.init(
            status: status, contentType: ErrorResponse.contentType, body: sent, requestID: requestID, keepAlive: keepAlive,
            headers: headers, allocator: allocator)
    }
}
