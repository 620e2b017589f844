import Logging
import NIOCore
import NIOHTTP1
import StrataAPI
import StrataModel

/// Reads one HTTP request at a time (the pipeline handler before it holds
/// back pipelined requests) through a `ConnectionStateMachine`, and
/// answers through the API.
final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: DynamoAPI
    private let logger: Logger
    private let inFlight: InFlightRequests
    private let dates: HTTPDate.Cache
    private var requestIDs = RequestID.Generator()
    private var machine = ConnectionStateMachine()
    /// The body of the API request being read.
    private var body: ByteBuffer?

    init(api: DynamoAPI, logger: Logger, inFlight: InFlightRequests, dates: HTTPDate.Cache) {
        self.api = api
        self.logger = logger
        self.inFlight = inFlight
        self.dates = dates
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            switch machine.head(head, takeSlot: inFlight.tryBegin) {
            case .receiveBody(let capacity):
                body = context.channel.allocator.buffer(capacity: capacity)
            case .ignoreBody:
                break
            case .reject(let rejection):
                rejectEarly(rejection, context: context)
            }
        case .body(var chunk):
            let (action, releaseSlot) = machine.body(bytes: chunk.readableBytes)
            if releaseSlot { inFlight.end() }
            switch action {
            case .append:
                body?.writeBuffer(&chunk)
            case .reject(let rejection):
                rejectEarly(rejection, context: context)
            case .drop:
                break
            }
        case .end:
            switch machine.end() {
            case .dispatch(let head):
                dispatch(head, body: body ?? ByteBuffer(), context: context)
                body = nil
            case .answerPlain(let head, let status):
                answerPlain(status, head: head, context: context)
            case .none:
                break
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A request still arriving when its client left gives its slot back.
        if machine.connectionClosed() { inFlight.end() }
        body = nil
        context.fireChannelInactive()
    }

    /// Answers before the body has been read, then closes: the rest of the
    /// body is never read.
    private func rejectEarly(_ rejection: ConnectionStateMachine.Rejection, context: ChannelHandlerContext) {
        body = nil
        let status: HTTPResponseStatus
        let contentType: String
        let bytes: [UInt8]
        switch rejection {
        case .badRequest:
            (status, contentType, bytes) = (.badRequest, "text/plain", Array("Bad Request".utf8))
        case .payloadTooLarge:
            let error = DynamoError.payloadTooLarge("Request entity too large")
            (status, contentType, bytes) = (.payloadTooLarge, ErrorResponse.contentType, ErrorResponse.body(for: error))
        case .throttled:
            let error = DynamoError.throttling("Rate of requests exceeds the allowed throughput.")
            (status, contentType, bytes) = (HTTPResponseStatus(statusCode: error.httpStatus), ErrorResponse.contentType, ErrorResponse.body(for: error))
        }
        write(status: status, contentType: contentType, body: bytes, keepAlive: false, context: context)
    }

    /// The health check (`GET /`) and the 404 for every other path.
    private func answerPlain(_ status: HTTPResponseStatus, head: HTTPRequestHead, context: ChannelHandlerContext) {
        let text = status == .ok ? "healthy: \(head.headers.first(name: "host") ?? "localhost")" : "Page Not Found"
        write(status: status, contentType: "text/plain", body: Array(text.utf8), keepAlive: head.isKeepAlive, context: context)
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let target = head.headers.first(name: "x-amz-target") ?? ""
        let contentEncoding = head.headers.first(name: "content-encoding")
        let keepAlive = head.isKeepAlive
        let api = self.api
        let allocator = context.channel.allocator
        // The id the answer carries is the one the request's log lines carry.
        let requestContext = RequestContext(requestID: requestIDs.make(), logger: logger)
        let promise = context.eventLoop.makePromise(of: PreparedResponse.self)
        // The task starts on the storage engine's threads (see
        // `executor(forTarget:)`). Everything but the socket work happens
        // there, off the event loop: inflating the body, the answer, its
        // copy into a buffer and its checksum (a Scan page is 1 MB).
        Task(executorPreference: api.requestExecutor) {
            let result: Result<[UInt8], DynamoError>
            let raw = Array(body.readableBytesView)
            do throws(RequestDecompression.Failure) {
                let bytes = try RequestDecompression.decode(raw, contentEncoding: contentEncoding, limit: ServerLimits.maximumBodyBytes) ?? raw
                result = await api.handle(target: target, body: bytes, context: requestContext)
            } catch {
                // DynamoDB answers an unusable Content-Encoding with a server error, and applies nothing.
                result = .failure(error == .tooLarge
                    ? .payloadTooLarge("Request entity too large")
                    : .internalFailure("The request body could not be decoded with its Content-Encoding"))
            }
            promise.succeed(PreparedResponse(result, allocator: allocator))
        }
        promise.futureResult.assumeIsolated().whenSuccess { response in
            self.write(response, requestID: requestContext.requestID, keepAlive: keepAlive, context: context)
            self.inFlight.end()
        }
    }

    private func baseHeaders(contentType: String, length: Int, checksum: UInt32, requestID: String? = nil) -> HTTPHeaders {
        HTTPHeaders([
            ("Server", "Server"),
            ("Date", dates.current()),
            ("Content-Type", contentType),
            ("Content-Length", String(length)),
            ("x-amzn-RequestId", requestID ?? requestIDs.make()),
            ("x-amz-crc32", String(checksum)),
        ])
    }

    private func baseHeaders(contentType: String, body: [UInt8]) -> HTTPHeaders {
        baseHeaders(contentType: contentType, length: body.count, checksum: CRC32.checksum(body))
    }

    /// Small answers made on the event loop (health check, 404).
    private func write(
        status: HTTPResponseStatus, contentType: String, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext
    ) {
        let response = PreparedResponse(
            status: status, contentType: contentType, body: context.channel.allocator.buffer(bytes: body), checksum: CRC32.checksum(body))
        write(response, requestID: nil, keepAlive: keepAlive, context: context)
    }

    private func write(_ response: PreparedResponse, requestID: String?, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = baseHeaders(
            contentType: response.contentType, length: response.body.readableBytes, checksum: response.checksum, requestID: requestID)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
