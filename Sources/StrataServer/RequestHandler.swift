import Logging
import NIOCore
import NIOHTTP1
import StrataAPI
import StrataAuth
import StrataModel

/// Answers the requests of one connection, one at a time and in order,
/// through a `ConnectionStateMachine`, and writes each answer as one
/// buffer. While a request is answered, or while the client has not taken
/// the last answer, later pipelined requests wait in a queue and, once
/// one waits, the connection is not read: a client that sends without
/// reading is held back, not buffered.
final class RequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = DecodedRequest
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let api: DynamoAPI
    /// Where request tasks run: the connection's event loop, or the storage
    /// engine's request threads (nil: an engine with none, Swift's global pool).
    private let executor: (any TaskExecutor)?
    private let logger: Logger
    private let watchdog: ConnectionWatchdog
    private let hosts: HostPolicy
    private let authenticator: Authenticator?
    private let metrics: (@Sendable (Int) -> [UInt8])?
    private let metricsToken: String?
    /// Whether `/console` serves the console.
    private let console: Bool
    private let resources: ServerResources
    private var requestIDs = RequestID.Generator()
    private var hostVerdicts = HostVerdict.Memo()
    /// The well-formed Host of the request being read, from its head.
    private var host: String?
    private var machine: ConnectionStateMachine<ServerResources>
    /// The body of the API request being read.
    private var body: ByteBuffer?
    /// What arrived while a request was answered or an answer unread.
    private enum Pending {
        case part(RequestPart)
        /// The decoder found a malformed request here: a 400 in its turn.
        case malformed
        /// The client half-closed in the middle of a request: close in its turn.
        case truncated
    }

    private var waiting = CircularBuffer<Pending>()
    /// The last answer waits for the client to read it: nothing more is handled.
    private var awaitingWritability = false
    /// A read the pipeline asked for while paused, to do afterwards.
    private var readDeferred = false
    /// The client closed its side: close once every request it sent is answered.
    private var inputClosed = false
    /// Nothing more is read or answered: the connection is closing.
    private var closing = false

    init(
        api: DynamoAPI, executor: (any TaskExecutor)?, logger: Logger, resources: ServerResources, watchdog: ConnectionWatchdog, hosts: HostPolicy,
        authenticator: Authenticator? = nil, metrics: (@Sendable (Int) -> [UInt8])? = nil, metricsToken: String? = nil,
        console: Bool = false
    ) {
        self.console = console
        self.authenticator = authenticator
        self.metrics = metrics
        self.metricsToken = metricsToken
        self.api = api
        self.executor = executor
        self.logger = logger
        self.watchdog = watchdog
        self.hosts = hosts
        self.resources = resources
        self.machine = ConnectionStateMachine(resources: resources)
    }

    /// Handling is paused while an answer is prepared or unread.
    private var paused: Bool { machine.isAnswering || awaitingWritability }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .whole(let head, let body):
            receive(.head(head), context: context)
            if body.readableBytes > 0 { receive(.body(body), context: context) }
            receive(.end, context: context)
        case .part(let part):
            receive(part, context: context)
        }
    }

    private func receive(_ part: RequestPart, context: ChannelHandlerContext) {
        guard !closing else { return }
        if paused {
            waiting.append(.part(part))
        } else {
            handle(part, context: context)
        }
    }

    /// Reading stops only once something waits: a client that waits for
    /// its answer sends nothing meanwhile, and stopping and restarting the
    /// socket's reads cost two `epoll_ctl` calls a request. A client that
    /// pipelines still has at most one read's worth waiting.
    func read(context: ChannelHandlerContext) {
        if paused, !waiting.isEmpty {
            readDeferred = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if awaitingWritability, context.channel.isWritable {
            awaitingWritability = false
            resume(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// The client half-closed: the requests it sent in full are still answered.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputClosed = true
            closeIfDone(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A malformed request (the decoder's error): one 400, then close;
    /// after the answers to the requests before it, if any are waiting. A
    /// request cut short by the client's half-close is not answered: the
    /// connection just closes, after the answers before it.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? RequestDecodingError else {
            context.close(promise: nil)
            return
        }
        guard !closing else { return }
        let pending: Pending = error == .truncated ? .truncated : .malformed
        if paused {
            waiting.append(pending)
        } else {
            handleFailure(pending, context: context)
        }
    }

    private func handleFailure(_ pending: Pending, context: ChannelHandlerContext) {
        if case .truncated = pending {
            closing = true
            context.close(promise: nil)
        } else {
            badRequest(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A request still arriving when its client left gives back what it held.
        machine.connectionClosed()
        body = nil
        waiting.removeAll()
        context.fireChannelInactive()
    }

    private func handle(_ part: RequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            watchdog.headArrived()
            let verdict = hostVerdicts.verdict(for: head.headers.first(name: "host"), under: hosts)
            host = verdict.wellFormed
            guard verdict.permitted else {
                writeError(.accessDenied(
                    "Strata listens on a loopback address and answers only loopback host names, not \(host ?? "this host"); "
                        + "start it with --allowed-host to answer others"), context: context)
                return
            }
            switch machine.head(head) {
            case .receiveBody(let capacity, let sendContinue):
                body = context.channel.allocator.buffer(capacity: capacity)
                if sendContinue {
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
                }
            case .ignoreBody:
                break
            case .reject(let rejection):
                reject(rejection, context: context)
            }
        case .body(var chunk):
            watchdog.bodyArrived(bytes: chunk.readableBytes)
            switch machine.body(bytes: chunk.readableBytes) {
            case .append:
                body?.writeBuffer(&chunk)
            case .reject(let rejection):
                reject(rejection, context: context)
            case .drop:
                break
            }
        case .end:
            switch machine.end() {
            case .dispatch(let head):
                watchdog.requestEnded()
                dispatch(head, body: body ?? ByteBuffer(), context: context)
                body = nil
            case .answerPlain(let head, let status):
                answerPlain(status, head: head, context: context)
                watchdog.answered()
            case .none:
                break
            }
        }
    }

    /// Answers before the body has been read, then closes: the rest of the
    /// body is never read.
    private func reject(_ rejection: ConnectionStateMachine<ServerResources>.Rejection, context: ChannelHandlerContext) {
        body = nil
        switch rejection {
        case .badRequest:
            badRequest(context: context)
        case .payloadTooLarge:
            writeError(.payloadTooLarge("Request entity too large"), context: context)
        case .throttled:
            ServerMetrics.shedRequests.increment()
            writeError(.throttling("Rate of requests exceeds the allowed throughput."), context: context)
        }
    }

    private func badRequest(context: ChannelHandlerContext) {
        write(EncodedResponse(
            status: .badRequest, contentType: "text/plain", body: Array("Bad Request".utf8), requestID: requestIDs.make(),
            keepAlive: false, allocator: context.channel.allocator), context: context)
    }

    /// An answer before or instead of the request's body: the connection closes after it.
    private func writeError(_ error: DynamoError, context: ChannelHandlerContext) {
        write(EncodedResponse(.failure(error), requestID: requestIDs.make(), keepAlive: false, allocator: context.channel.allocator),
              context: context)
    }

    /// The health check (`GET /`, or `HEAD /` without the body) and the 404
    /// for every other path. The health check echoes the host only when it
    /// is a well-formed host name.
    private func answerPlain(_ status: HTTPResponseStatus, head: RequestHead, context: ChannelHandlerContext) {
        if head.uri.hasPrefix("/metrics") {
            return answerMetrics(head: head, context: context)
        }
        if head.uri.hasPrefix("/console") {
            return answerConsole(head: head, context: context)
        }
        let text = status != .ok ? "Page Not Found" : head.method == .OPTIONS ? "" : "healthy: \(host ?? "localhost")"
        logger.debug("Plain request", metadata: ["method": "\(head.method.rawValue)", "uri": "\(head.uri)", "status": "\(status.code)"])
        write(EncodedResponse(
            status: status, contentType: "text/plain", body: Array(text.utf8), requestID: requestIDs.make(),
            keepAlive: head.isKeepAlive, includeBody: head.method != .HEAD, headers: CrossOrigin.headers(for: head),
            allocator: context.channel.allocator), context: context)
    }

    /// `GET /console...`: the console's files, or 404 when it is off.
    private func answerConsole(head: RequestHead, context: ChannelHandlerContext) {
        let asset = console ? ConsoleAssets.asset(for: head.uri) : nil
        write(EncodedResponse(
            status: asset == nil ? .notFound : .ok, contentType: asset?.contentType ?? "text/plain",
            body: asset?.body ?? Array("Page Not Found".utf8), requestID: requestIDs.make(), keepAlive: head.isKeepAlive,
            headers: asset == nil ? [] : ConsoleAssets.headers, allocator: context.channel.allocator), context: context)
    }

    /// `GET /metrics`: made from what the executable's registry holds and
    /// the requests in flight now; a scrape logs at debug.
    private func answerMetrics(head: RequestHead, context: ChannelHandlerContext) {
        logger.debug("Metrics scrape")
        if let metricsToken, head.headers.first(name: "authorization") != "Bearer \(metricsToken)" {
            write(EncodedResponse(
                status: .unauthorized, contentType: "text/plain", body: Array("Unauthorized".utf8), requestID: requestIDs.make(),
                keepAlive: head.isKeepAlive, headers: [("WWW-Authenticate", "Bearer")], allocator: context.channel.allocator),
                  context: context)
            return
        }
        let body = metrics?(resources.inFlight.count)
        write(EncodedResponse(
            status: body == nil ? .notFound : .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: body ?? Array("Page Not Found".utf8), requestID: requestIDs.make(), keepAlive: head.isKeepAlive,
            headers: CrossOrigin.headers(for: head), allocator: context.channel.allocator), context: context)
    }

    private func dispatch(_ head: RequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let target = head.headers.first(name: "x-amz-target") ?? ""
        let contentEncoding = head.headers.first(name: "content-encoding")
        let keepAlive = head.isKeepAlive
        let api = self.api
        let allocator = context.channel.allocator
        // The id the answer carries is the one the request's log lines carry.
        let requestID = requestIDs.make(), logger = self.logger
        let host = self.host
        let acceptEncoding = head.headers.first(name: "accept-encoding")
        let crossOrigin = CrossOrigin.headers(for: head)
        let authenticator = self.authenticator
        let signed = authenticator.map { _ in
            SignedRequest(method: head.method.rawValue, uri: head.uri, headers: head.headers.all, body: [])
        }
        // The answer comes back to the event loop as one task, with no
        // promise and futures between: their allocations and run-time
        // type lookups were 6,400 instructions a GetItem.
        let eventLoop = context.eventLoop
        let origin = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
        let deliver: @Sendable (EncodedResponse) -> Void = { response in
            if eventLoop.inEventLoop {
                origin.value.handler.answered(response, context: origin.value.context)
            } else {
                eventLoop.execute { origin.value.handler.answered(response, context: origin.value.context) }
            }
        }
        // The task runs on this connection's event loop, where the storage
        // engine reads too (or, for an engine that keeps its own threads,
        // starts on them). Inflating a body and encoding a large answer
        // move to the bulk threads, so that no loop spends milliseconds on them.
        let bodyMemory = resources.bodyMemory
        Task(executorPreference: executor) {
            let result: Result<[UInt8], DynamoError>
            let raw = Array(body.readableBytesView)
            // The signature covers the body as sent, before any inflating.
            var principal: Principal?
            if let authenticator, var signed {
                signed.body = raw
                let request = signed
                switch Result(catching: { () throws(DynamoError) in try authenticator.authenticate(request, now: SystemWallClock().now()) }) {
                case .success(let signer):
                    principal = signer
                case .failure(let error):
                    RequestContext(requestID: requestID, logger: logger).logger
                        .debug("Request refused by its signature", metadata: ["error": "\(error.typeName)"])
                    deliver(EncodedResponse(
                        .failure(error), requestID: requestID, keepAlive: keepAlive, headers: crossOrigin, allocator: allocator))
                    return
                }
            }
            let requestContext = RequestContext(requestID: requestID, logger: logger, principal: principal, host: host)
            if contentEncoding == nil {
                result = await api.handle(target: target, body: raw, context: requestContext)
            } else {
                result = await RequestHandler.handleEncoded(raw, contentEncoding: contentEncoding, target: target, api: api,
                                                  bodyMemory: bodyMemory, context: requestContext)
            }
            // A large answer (a Scan page) is checksummed and copied on the
            // bulk threads, so that the request's event loop never spends a
            // millisecond on it while GetItems wait behind it.
            let encode = {
                EncodedResponse(
                    result, requestID: requestContext.requestID, keepAlive: keepAlive, acceptEncoding: acceptEncoding, headers: crossOrigin,
                    allocator: allocator)
            }
            if ((try? result.get())?.count ?? 0) > ServerLimits.largeAnswerBytes {
                deliver(await withTaskExecutorPreference(api.bulkExecutor, operation: encode))
            } else {
                deliver(encode())
            }
        }
    }

    /// On the event loop: the answer to the request `dispatch` sent off.
    private func answered(_ response: EncodedResponse, context: ChannelHandlerContext) {
        machine.answered()
        watchdog.answered()
        guard context.channel.isActive else { return }
        write(response, context: context)
        resume(context: context)
    }

    /// A body sent with a Content-Encoding: inflated on the bulk threads (a
    /// gzip bomb costs the request's thread nothing), no further than the body
    /// limit, into room reserved in the body budget for the largest body.
    private static func handleEncoded(
        _ raw: [UInt8], contentEncoding: String?, target: String, api: DynamoAPI, bodyMemory: CappedBudget,
        context: RequestContext
    ) async -> Result<[UInt8], DynamoError> {
        guard bodyMemory.tryReserve(ServerLimits.maximumBodyBytes) else {
            return .failure(.throttling("Rate of requests exceeds the allowed throughput."))
        }
        defer { bodyMemory.release(ServerLimits.maximumBodyBytes) }
        let decoded = await withTaskExecutorPreference(api.bulkExecutor) {
            RequestDecompression.decoded(raw, contentEncoding: contentEncoding, limit: ServerLimits.maximumBodyBytes)
        }
        switch decoded {
        case .success(let bytes):
            return await api.handle(target: target, body: bytes, context: context)
        case .failure(.tooLarge):
            return .failure(.payloadTooLarge("Request entity too large"))
        case .failure:
            // DynamoDB answers an unusable Content-Encoding with a server error, and applies nothing.
            return .failure(.internalFailure("The request body could not be decoded with its Content-Encoding"))
        }
    }

    private func write(_ response: EncodedResponse, context: ChannelHandlerContext) {
        guard response.closesConnection else {
            context.writeAndFlush(wrapOutboundOut(response.buffer), promise: nil)
            if !context.channel.isWritable { awaitingWritability = true }
            return
        }
        closing = true
        waiting.removeAll()
        context.writeAndFlush(wrapOutboundOut(response.buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// After an answer: the requests that waited, in order, then reading
    /// again; unless the client has yet to take the answer.
    private func resume(context: ChannelHandlerContext) {
        if closing {
            context.close(promise: nil)
            return
        }
        while !paused, !closing, let pending = waiting.popFirst() {
            switch pending {
            case .part(let part): handle(part, context: context)
            case .malformed, .truncated: handleFailure(pending, context: context)
            }
        }
        if !paused, readDeferred {
            readDeferred = false
            context.read()
        }
        closeIfDone(context: context)
    }

    /// After the client half-closed: close once nothing it sent is left to answer.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard inputClosed, !closing, !paused, waiting.isEmpty, machine.isIdle else { return }
        closing = true
        context.close(promise: nil)
    }
}
