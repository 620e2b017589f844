import Logging
import NIOCore
import NIOHTTP1
import StrataAPI
import StrataModel

/// Answers the requests of one connection, one at a time and in order,
/// through a `ConnectionStateMachine`, and writes each answer as one
/// buffer. While a request is answered, later pipelined requests wait in a
/// queue and the connection is not read, so a client that sends without
/// reading is held back rather than buffered without bound.
final class RequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let api: DynamoAPI
    private let logger: Logger
    private let inFlight: InFlightRequests
    private var requestIDs = RequestID.Generator()
    private var machine = ConnectionStateMachine()
    /// The body of the API request being read.
    private var body: ByteBuffer?
    /// An API request is being answered: what arrives meanwhile waits.
    private var answering = false
    private var waiting = CircularBuffer<HTTPServerRequestPart>()
    /// A read the pipeline asked for while answering, to do afterwards.
    private var readDeferred = false
    /// Nothing more is read or answered: the connection is closing.
    private var closing = false

    init(api: DynamoAPI, logger: Logger, inFlight: InFlightRequests) {
        self.api = api
        self.logger = logger
        self.inFlight = inFlight
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard !closing else { return }
        if answering {
            waiting.append(part)
        } else {
            handle(part, context: context)
        }
    }

    func read(context: ChannelHandlerContext) {
        if answering {
            readDeferred = true
        } else {
            context.read()
        }
    }

    /// A malformed request (the decoder's error): one 400, then close; after
    /// the answer in progress, if there is one.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        if answering {
            waiting.removeAll()
            closing = true
        } else if !closing {
            badRequest(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A request still arriving when its client left gives its slot back.
        if machine.connectionClosed() { inFlight.end() }
        body = nil
        waiting.removeAll()
        context.fireChannelInactive()
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            switch machine.head(head, takeSlot: inFlight.tryBegin) {
            case .receiveBody(let capacity):
                body = context.channel.allocator.buffer(capacity: capacity)
            case .ignoreBody:
                break
            case .reject(let rejection):
                reject(rejection, context: context)
            }
        case .body(var chunk):
            let (action, releaseSlot) = machine.body(bytes: chunk.readableBytes)
            if releaseSlot { inFlight.end() }
            switch action {
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
                dispatch(head, body: body ?? ByteBuffer(), context: context)
                body = nil
            case .answerPlain(let head, let status):
                answerPlain(status, head: head, context: context)
            case .none:
                break
            }
        }
    }

    /// Answers before the body has been read, then closes: the rest of the
    /// body is never read.
    private func reject(_ rejection: ConnectionStateMachine.Rejection, context: ChannelHandlerContext) {
        body = nil
        switch rejection {
        case .badRequest:
            badRequest(context: context)
        case .payloadTooLarge:
            writeError(.payloadTooLarge("Request entity too large"), context: context)
        case .throttled:
            writeError(.throttling("Rate of requests exceeds the allowed throughput."), context: context)
        }
    }

    private func badRequest(context: ChannelHandlerContext) {
        write(EncodedResponse(
            status: .badRequest, contentType: "text/plain", body: Array("Bad Request".utf8), requestID: requestIDs.make(),
            keepAlive: false, allocator: context.channel.allocator), context: context)
    }

    private func writeError(_ error: DynamoError, context: ChannelHandlerContext) {
        write(EncodedResponse(.failure(error), requestID: requestIDs.make(), keepAlive: false, allocator: context.channel.allocator),
              context: context)
    }

    /// The health check (`GET /`, or `HEAD /` without the body) and the 404
    /// for every other path.
    private func answerPlain(_ status: HTTPResponseStatus, head: HTTPRequestHead, context: ChannelHandlerContext) {
        let text = status == .ok ? "healthy: \(head.headers.first(name: "host") ?? "localhost")" : "Page Not Found"
        write(EncodedResponse(
            status: status, contentType: "text/plain", body: Array(text.utf8), requestID: requestIDs.make(),
            keepAlive: head.isKeepAlive, includeBody: head.method != .HEAD, allocator: context.channel.allocator), context: context)
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let target = head.headers.first(name: "x-amz-target") ?? ""
        let contentEncoding = head.headers.first(name: "content-encoding")
        let keepAlive = head.isKeepAlive
        let api = self.api
        let allocator = context.channel.allocator
        // The id the answer carries is the one the request's log lines carry.
        let requestContext = RequestContext(requestID: requestIDs.make(), logger: logger)
        let promise = context.eventLoop.makePromise(of: EncodedResponse.self)
        answering = true
        // The task starts on the storage engine's request threads, where it
        // reads without changing threads. Everything but the socket work
        // happens there, off the event loop: inflating the body, the answer,
        // its encoding and checksum (a Scan page is 1 MB).
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
            // A large answer (a Scan page) is checksummed and copied on the
            // bulk threads, so that a request thread never spends a
            // millisecond on it while GetItems wait behind it.
            let large = ((try? result.get())?.count ?? 0) > ServerLimits.largeAnswerBytes
            let response = await withTaskExecutorPreference(large ? api.bulkExecutor : nil) {
                EncodedResponse(result, requestID: requestContext.requestID, keepAlive: keepAlive, allocator: allocator)
            }
            promise.succeed(response)
        }
        promise.futureResult.assumeIsolated().whenSuccess { response in
            self.inFlight.end()
            self.answering = false
            self.write(response, context: context)
            self.resume(context: context)
        }
    }

    private func write(_ response: EncodedResponse, context: ChannelHandlerContext) {
        let done = context.writeAndFlush(wrapOutboundOut(response.buffer))
        if response.closesConnection {
            closing = true
            waiting.removeAll()
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// After an answer: the requests that waited, in order, then reading again.
    private func resume(context: ChannelHandlerContext) {
        if closing {
            context.close(promise: nil)
            return
        }
        while !answering, !closing, let part = waiting.popFirst() {
            handle(part, context: context)
        }
        if !answering, readDeferred {
            readDeferred = false
            context.read()
        }
    }
}
