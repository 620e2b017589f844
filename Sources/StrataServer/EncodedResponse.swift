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

    /// `includeBody` false answers HEAD: the headers of the answer, no body.
    init(
        status: HTTPResponseStatus, contentType: String, body: [UInt8], requestID: String, keepAlive: Bool,
        includeBody: Bool = true, allocator: ByteBufferAllocator
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
        if !keepAlive { buffer.writeStaticString("\r\nConnection: close") }
        buffer.writeStaticString("\r\n\r\n")
        if includeBody { buffer.writeBytes(body) }
        self.buffer = buffer
        closesConnection = !keepAlive
    }

    /// An API answer: the operation's JSON, or DynamoDB's error body.
    init(_ result: Result<[UInt8], DynamoError>, requestID: String, keepAlive: Bool, allocator: ByteBufferAllocator) {
        switch result {
        case .success(let body):
            self.init(
                status: .ok, contentType: ErrorResponse.contentType, body: body, requestID: requestID, keepAlive: keepAlive,
                allocator: allocator)
        case .failure(let error):
            self.init(
                status: HTTPResponseStatus(statusCode: error.httpStatus), contentType: ErrorResponse.contentType,
                body: ErrorResponse.body(for: error), requestID: requestID, keepAlive: keepAlive, allocator: allocator)
        }
    }
}
