import Logging
import NIOCore
import NIOHTTP1
import StrataAPI
import StrataModel

/// Reads one HTTP request at a time (the pipeline handler before it holds
/// back pipelined requests), enforces DynamoDB's HTTP limits, and answers
/// through the API.
final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Reading the body of an API request.
        case receiving(HTTPRequestHead, ByteBuffer)
        /// The request will get `status` once it has been read in full.
        case ignoringBody(HTTPRequestHead, HTTPResponseStatus)
        /// An answer went out early (413, 400); the connection closes.
        case closing
    }

    private let api: DynamoAPI
    private let logger: Logger
    private let inFlight: InFlightRequests
    private let dates: HTTPDate.Cache
    private var requestIDs = RequestID.Generator()
    private var state = State.idle

    init(api: DynamoAPI, logger: Logger, inFlight: InFlightRequests, dates: HTTPDate.Cache) {
        self.api = api
        self.logger = logger
        self.inFlight = inFlight
        self.dates = dates
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiveHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body) = state else { return }
            state = .idle
            if body.readableBytes + chunk.readableBytes > ServerLimits.maximumBodyBytes {
                rejectEarly(.payloadTooLarge, context: context)
                return
            }
            body.writeBuffer(&chunk)
            state = .receiving(head, body)
        case .end:
            switch state {
            case .receiving(let head, let body):
                state = .idle
                dispatch(head, body: body, context: context)
            case .ignoringBody(let head, let status):
                state = .idle
                answerPlain(status, head: head, context: context)
            case .idle, .closing:
                break
            }
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let headerBytes = head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if head.uri.utf8.count > ServerLimits.maximumHeaderBytes || headerBytes > ServerLimits.maximumHeaderBytes {
            rejectEarly(.badRequest, context: context)
            return
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard head.method == .POST else {
            state = .ignoringBody(head, path == "/" && head.method == .GET ? .ok : .notFound)
            return
        }
        guard path == "/" else {
            state = .ignoringBody(head, .notFound)
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > ServerLimits.maximumBodyBytes {
            rejectEarly(.payloadTooLarge, context: context)
            return
        }
        let expected = head.headers.first(name: "content-length").flatMap(Int.init) ?? 0
        state = .receiving(head, context.channel.allocator.buffer(capacity: min(expected, 1 << 20)))
    }

    /// Answers before the body has been read, then closes: the rest of the
    /// body is never read.
    private func rejectEarly(_ status: HTTPResponseStatus, context: ChannelHandlerContext) {
        state = .closing
        let body: [UInt8] = status == .payloadTooLarge
            ? ErrorResponse.body(for: .payloadTooLarge("Request entity too large"))
            : Array("Bad Request".utf8)
        var headers = baseHeaders(contentType: status == .payloadTooLarge ? ErrorResponse.contentType : "text/plain", body: body)
        headers.replaceOrAdd(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
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
        inFlight.begin()
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
