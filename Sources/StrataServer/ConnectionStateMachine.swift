import NIOCore
import NIOHTTP1

/// What one connection is doing with its current request, as a value:
/// events in (a head, a body chunk, the end, the answer written, the
/// connection gone), actions out. It enforces DynamoDB's HTTP limits and
/// holds the request's `RequestResources` (a slot in flight, the body's
/// bytes) from its head to its answer, giving each back exactly once. It
/// touches no channel, so that it can be tested on its own.
struct ConnectionStateMachine<Resources: RequestResources> {
    /// Why a request is answered before its body is read; the connection then closes.
    enum Rejection: Equatable {
        /// A request line or header block over the limit.
        case badRequest
        /// A body over DynamoDB's 16 MB, declared or sent.
        case payloadTooLarge
        /// Too many requests in flight, or no room for the body in the
        /// memory budget: ThrottlingException, body unread.
        case throttled
    }

    enum HeadAction: Equatable {
        /// Read the body of an API request into a buffer of this capacity;
        /// `sendContinue`: the client waits for `100 Continue` first.
        case receiveBody(capacity: Int, sendContinue: Bool)
        /// Read and drop the body; answer at the end.
        case ignoreBody
        case reject(Rejection)
    }

    enum BodyAction: Equatable {
        case append
        case reject(Rejection)
        /// Nothing is being read (a body being ignored, or a closing connection).
        case drop
    }

    enum EndAction: Equatable {
        /// Answer the API request read in full, then call `answered()`.
        case dispatch(RequestHead)
        /// Answer the health check or a 404.
        case answerPlain(RequestHead, HTTPResponseStatus)
        case none
    }

    private enum State {
        case idle
        /// Reading an API request's body; `reserved` bytes of budget held.
        case receiving(RequestHead, received: Int, reserved: Int)
        /// The request is being answered; its slot and bytes are still held.
        case answering(reserved: Int)
        /// Reading a body to drop; `status` answers it.
        case ignoringBody(RequestHead, HTTPResponseStatus)
        /// An early answer went out, or the connection is gone.
        case closing
    }

    /// A chunked body reserves budget in steps of at least this many bytes.
    static var reservationStep: Int { 64 * 1024 }

    private let resources: Resources
    private var state = State.idle

    init(resources: Resources) {
        self.resources = resources
    }

    /// An API request is being answered: later requests wait for `answered()`.
    var isAnswering: Bool {
        if case .answering = state { return true }
        return false
    }

    /// Between requests: nothing of a request is held.
    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// A request's head. The checks run in the order that refuses a
    /// request most cheaply: limits first, then a slot, then the body's bytes.
    mutating func head(_ head: RequestHead) -> HeadAction {
        guard case .idle = state else { return reject(.badRequest) }
        if head.uri.utf8.count > ServerLimits.maximumHeaderBytes || head.headers.byteCount > ServerLimits.maximumHeaderBytes {
            return reject(.badRequest)
        }
        let path = Substring(head.uri.utf8.prefix { $0 != UInt8(ascii: "?") })
        guard head.method == .POST, path == "/" else {
            // The health check answers GET and HEAD (HEAD without the body),
            // a browser's CORS preflight (OPTIONS) gets an empty 200, and
            // GET /metrics the metrics (or a 404 when there are none), and
            // GET /console... the console's files (or a 404 when it is off).
            let answered = path == "/" && (head.method == .GET || head.method == .HEAD || head.method == .OPTIONS)
                || (path == "/metrics" || path.hasPrefix("/console")) && head.method == .GET
            state = .ignoringBody(head, answered ? .ok : .notFound)
            return .ignoreBody
        }
        let declared = head.contentLength ?? 0
        if declared > ServerLimits.maximumBodyBytes {
            return reject(.payloadTooLarge)
        }
        guard resources.tryBeginRequest() else { return reject(.throttled) }
        guard resources.tryReserveBody(declared) else {
            resources.endRequest()
            return reject(.throttled)
        }
        state = .receiving(head, received: 0, reserved: declared)
        let expectsContinue = head.version == .http1_1
            && head.headers.first(name: "expect")?.lowercased() == "100-continue"
        return .receiveBody(capacity: min(declared, 1 << 20), sendContinue: expectsContinue)
    }

    /// A chunk of the body. A body that outgrows the limit or the budget
    /// gives back what it holds.
    mutating func body(bytes: Int) -> BodyAction {
        guard case .receiving(let head, let received, var reserved) = state else { return .drop }
        let total = received + bytes
        if total > ServerLimits.maximumBodyBytes {
            return rejectReceiving(.payloadTooLarge, reserved: reserved)
        }
        if total > reserved {
            let more = max(total - reserved, Self.reservationStep)
            guard resources.tryReserveBody(more) else { return rejectReceiving(.throttled, reserved: reserved) }
            reserved += more
        }
        state = .receiving(head, received: total, reserved: reserved)
        return .append
    }

    /// The end of a request. A dispatched request holds its slot and bytes
    /// until `answered()`.
    mutating func end() -> EndAction {
        switch state {
        case .receiving(let head, _, let reserved):
            state = .answering(reserved: reserved)
            return .dispatch(head)
        case .ignoringBody(let head, let status):
            state = .idle
            return .answerPlain(head, status)
        case .idle, .answering, .closing:
            return .none
        }
    }

    /// The dispatched request's answer is ready: its slot and bytes go back.
    mutating func answered() {
        guard case .answering(let reserved) = state else { return }
        release(reserved: reserved)
        state = .idle
    }

    /// The connection is gone. A request still arriving gives back what it
    /// holds; one being answered does so in `answered()`.
    mutating func connectionClosed() {
        switch state {
        case .receiving(_, _, let reserved):
            release(reserved: reserved)
            state = .closing
        case .answering:
            break
        case .idle, .ignoringBody, .closing:
            state = .closing
        }
    }

    private mutating func release(reserved: Int) {
        resources.releaseBody(reserved)
        resources.endRequest()
    }

    private mutating func rejectReceiving(_ rejection: Rejection, reserved: Int) -> BodyAction {
        release(reserved: reserved)
        state = .closing
        return .reject(rejection)
    }

    private mutating func reject(_ rejection: Rejection) -> HeadAction {
        state = .closing
        return .reject(rejection)
    }
}
