import NIOCore
import NIOHTTP1

/// What one connection is doing with the request it reads, as a value:
/// events in (a head, a body chunk, the end, the connection gone), actions
/// out. It enforces DynamoDB's HTTP limits and counts an API request in
/// flight from its head to its answer, and touches no channel, so that it
/// can be tested on its own.
struct ConnectionStateMachine {
    /// Why a request is answered before its body is read; the connection then closes.
    enum Rejection: Equatable {
        /// A request line or header block over the limit.
        case badRequest
        /// A body over DynamoDB's 16 MB, declared or sent.
        case payloadTooLarge
        /// Too many requests in flight: ThrottlingException, body unread.
        case throttled
    }

    enum HeadAction: Equatable {
        /// Read the body of an API request into a buffer of this capacity.
        case receiveBody(capacity: Int)
        /// Read and drop the body; answer `status` at the end.
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
        /// Answer the API request read in full.
        case dispatch(HTTPRequestHead)
        /// Answer the health check or a 404.
        case answerPlain(HTTPRequestHead, HTTPResponseStatus)
        case none
    }

    private enum State {
        case idle
        /// Reading an API request's body; it holds a slot in flight.
        case receiving(HTTPRequestHead, received: Int)
        /// Reading a body to drop; `status` answers it.
        case ignoringBody(HTTPRequestHead, HTTPResponseStatus)
        /// An early answer went out; the connection closes.
        case closing
    }

    private var state = State.idle

    /// A request's head. `takeSlot` counts an API request in flight, or
    /// says there is no room; it is asked only of a request that passes
    /// every other check.
    mutating func head(_ head: HTTPRequestHead, takeSlot: () -> Bool) -> HeadAction {
        guard case .idle = state else { return reject(.badRequest) }
        let headerBytes = head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if head.uri.utf8.count > ServerLimits.maximumHeaderBytes || headerBytes > ServerLimits.maximumHeaderBytes {
            return reject(.badRequest)
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard head.method == .POST, path == "/" else {
            // The health check answers GET and HEAD (HEAD without the body).
            let isHealthCheck = path == "/" && (head.method == .GET || head.method == .HEAD)
            state = .ignoringBody(head, isHealthCheck ? .ok : .notFound)
            return .ignoreBody
        }
        let declared = head.headers.first(name: "content-length").flatMap(Int.init) ?? 0
        if declared > ServerLimits.maximumBodyBytes {
            return reject(.payloadTooLarge)
        }
        guard takeSlot() else { return reject(.throttled) }
        state = .receiving(head, received: 0)
        return .receiveBody(capacity: min(declared, 1 << 20))
    }

    /// A chunk of the body. A body that outgrows the limit gives its slot back.
    mutating func body(bytes: Int) -> (action: BodyAction, releaseSlot: Bool) {
        guard case .receiving(let head, let received) = state else { return (.drop, false) }
        if received + bytes > ServerLimits.maximumBodyBytes {
            return (reject(.payloadTooLarge), true)
        }
        state = .receiving(head, received: received + bytes)
        return (.append, false)
    }

    /// The end of a request. A dispatched request keeps its slot until answered.
    mutating func end() -> EndAction {
        switch state {
        case .receiving(let head, _):
            state = .idle
            return .dispatch(head)
        case .ignoringBody(let head, let status):
            state = .idle
            return .answerPlain(head, status)
        case .idle, .closing:
            return .none
        }
    }

    /// The connection is gone; returns whether a request that was still
    /// arriving held a slot, which must be given back.
    mutating func connectionClosed() -> Bool {
        defer { state = .closing }
        if case .receiving = state { return true }
        return false
    }

    private mutating func reject(_ rejection: Rejection) -> HeadAction {
        state = .closing
        return .reject(rejection)
    }

    private mutating func reject(_ rejection: Rejection) -> BodyAction {
        state = .closing
        return .reject(rejection)
    }
}
