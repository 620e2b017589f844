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

    private static let targetPrefix = "DynamoDB_20120810."

    private let api: DynamoAPI
    private let inFlight: InFlightRequests
    private let dates: HTTPDate.Cache
    private var requestIDs = RequestID.Generator()
    private var state = State.idle

    init(api: DynamoAPI, inFlight: InFlightRequests, dates: HTTPDate.Cache) {
        self.api = api
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
        let operation = target.hasPrefix(Self.targetPrefix) ? String(target.dropFirst(Self.targetPrefix.count)) : ""
        let keepAlive = head.isKeepAlive
        var bytes = Array(body.readableBytesView)
        do {
            if let decoded = try RequestDecompression.decode(
                bytes, contentEncoding: head.headers.first(name: "content-encoding"), limit: ServerLimits.maximumBodyBytes) {
                bytes = decoded
            }
        } catch {
            // DynamoDB answers an unusable Content-Encoding with a server error, and applies nothing.
            let failure: DynamoError = error == .tooLarge
                ? .payloadTooLarge("Request entity too large")
                : .internalFailure("The request body could not be decoded with its Content-Encoding")
            write(status: HTTPResponseStatus(statusCode: failure.httpStatus), contentType: ErrorResponse.contentType,
                  body: ErrorResponse.body(for: failure), keepAlive: keepAlive, context: context)
            return
        }
        let api = self.api
        inFlight.begin()
        let promise = context.eventLoop.makePromise(of: Result<[UInt8], DynamoError>.self)
        promise.completeWithTask {
            await api.handle(target: operation, body: bytes)
        }
        promise.futureResult.assumeIsolated().whenSuccess { result in
            self.answer(result, keepAlive: keepAlive, context: context)
            self.inFlight.end()
        }
    }

    private func answer(_ result: Result<[UInt8], DynamoError>, keepAlive: Bool, context: ChannelHandlerContext) {
        switch result {
        case .success(let response):
            write(status: .ok, contentType: ErrorResponse.contentType, body: response, keepAlive: keepAlive, context: context)
        case .failure(let error):
            write(
                status: HTTPResponseStatus(statusCode: error.httpStatus), contentType: ErrorResponse.contentType,
                body: ErrorResponse.body(for: error), keepAlive: keepAlive, context: context)
        }
    }

    private func baseHeaders(contentType: String, body: [UInt8]) -> HTTPHeaders {
        HTTPHeaders([
            ("Server", "Server"),
            ("Date", dates.current()),
            ("Content-Type", contentType),
            ("Content-Length", String(body.count)),
            ("x-amzn-RequestId", requestIDs.make()),
            ("x-amz-crc32", String(CRC32.checksum(body))),
        ])
    }

    private func write(status: HTTPResponseStatus, contentType: String, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = baseHeaders(contentType: contentType, body: body)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
