import NIOCore
import NIOHTTP1
import StrataModel

/// An answer ready for the socket: its bytes already in a buffer and
/// checksummed, so that the event loop only writes it.
struct PreparedResponse: Sendable {
    let status: HTTPResponseStatus
    let contentType: String
    let body: ByteBuffer
    /// `x-amz-crc32`: the CRC32 of the body, which the SDKs check.
    let checksum: UInt32

    init(status: HTTPResponseStatus, contentType: String, body: ByteBuffer, checksum: UInt32) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.checksum = checksum
    }

    /// An API answer: the operation's JSON, or DynamoDB's error body.
    init(_ result: Result<[UInt8], DynamoError>, allocator: ByteBufferAllocator) {
        let bytes: [UInt8]
        switch result {
        case .success(let response):
            status = .ok
            bytes = response
        case .failure(let error):
            status = HTTPResponseStatus(statusCode: error.httpStatus)
            bytes = ErrorResponse.body(for: error)
        }
        contentType = ErrorResponse.contentType
        body = allocator.buffer(bytes: bytes)
        checksum = CRC32.checksum(bytes)
    }
}
