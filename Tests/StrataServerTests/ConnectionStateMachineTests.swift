import NIOCore
import NIOHTTP1
import Testing
@testable import StrataServer

@Suite struct ConnectionStateMachineTests {
    private static func head(
        _ method: HTTPMethod = .POST, _ uri: String = "/", contentLength: Int? = nil, extraHeaderBytes: Int = 0
    ) -> HTTPRequestHead {
        var headers = HTTPHeaders([("X-Amz-Target", "DynamoDB_20120810.GetItem")])
        if let contentLength { headers.add(name: "Content-Length", value: String(contentLength)) }
        if extraHeaderBytes > 0 { headers.add(name: "X-Padding", value: String(repeating: "p", count: extraHeaderBytes)) }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    /// Counts slots as an in-flight cap does.
    private final class Slots {
        var taken = 0
        let maximum: Int
        init(maximum: Int) { self.maximum = maximum }
        func take() -> Bool {
            guard taken < maximum else { return false }
            taken += 1
            return true
        }
    }

    @Test func anAPIRequestIsReadThenDispatchedHoldingOneSlot() {
        var machine = ConnectionStateMachine()
        let slots = Slots(maximum: 8)
        let head = Self.head(contentLength: 10)
        #expect(machine.head(head, takeSlot: slots.take) == .receiveBody(capacity: 10))
        #expect(machine.body(bytes: 4) == (.append, false))
        #expect(machine.body(bytes: 6) == (.append, false))
        #expect(machine.end() == .dispatch(head))
        #expect(slots.taken == 1)
        // The connection is ready for the next request; a dispatched one releases its slot when answered, not here.
        #expect(machine.connectionClosed() == false)
    }

    @Test(arguments: [
        (HTTPMethod.GET, "/", HTTPResponseStatus.ok),
        (.GET, "/?x=1", .ok),
        (.HEAD, "/", .ok),
        (.HEAD, "/other", .notFound),
        (.GET, "/other", .notFound),
        (.POST, "/other", .notFound),
        (.PUT, "/", .notFound),
    ])
    func otherRequestsIgnoreTheirBodyAndTakeNoSlot(method: HTTPMethod, uri: String, status: HTTPResponseStatus) {
        var machine = ConnectionStateMachine()
        let slots = Slots(maximum: 0)
        let head = Self.head(method, uri)
        #expect(machine.head(head, takeSlot: slots.take) == .ignoreBody)
        #expect(machine.body(bytes: 100) == (.drop, false))
        #expect(machine.end() == .answerPlain(head, status))
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() {
        var machine = ConnectionStateMachine()
        let slots = Slots(maximum: 8)
        #expect(machine.head(Self.head(contentLength: ServerLimits.maximumBodyBytes + 1), takeSlot: slots.take) == .reject(.payloadTooLarge))
        #expect(slots.taken == 0)
        // Nothing more is read on a closing connection.
        #expect(machine.body(bytes: 10) == (.drop, false))
        #expect(machine.end() == .none)
    }

    @Test func aSentBodyOverTheLimitIsCutOffAndGivesItsSlotBack() {
        var machine = ConnectionStateMachine()
        let slots = Slots(maximum: 8)
        #expect(machine.head(Self.head(), takeSlot: slots.take) == .receiveBody(capacity: 0))
        #expect(machine.body(bytes: ServerLimits.maximumBodyBytes) == (.append, false))
        #expect(machine.body(bytes: 1) == (.reject(.payloadTooLarge), true))
        #expect(machine.end() == .none)
    }

    @Test func beyondTheInFlightCapARequestIsThrottledBeforeItsBody() {
        let slots = Slots(maximum: 2)
        var first = ConnectionStateMachine(), second = ConnectionStateMachine(), third = ConnectionStateMachine()
        #expect(first.head(Self.head(contentLength: 10_000_000), takeSlot: slots.take) == .receiveBody(capacity: 1 << 20))
        #expect(second.head(Self.head(contentLength: 10_000_000), takeSlot: slots.take) == .receiveBody(capacity: 1 << 20))
        #expect(third.head(Self.head(contentLength: 10_000_000), takeSlot: slots.take) == .reject(.throttled))
        #expect(third.body(bytes: 1000) == (.drop, false))
        #expect(slots.taken == 2)
    }

    @Test func aClientThatLeavesMidBodyGivesItsSlotBack() {
        var machine = ConnectionStateMachine()
        #expect(machine.head(Self.head(contentLength: 100), takeSlot: { true }) == .receiveBody(capacity: 100))
        #expect(machine.body(bytes: 50) == (.append, false))
        #expect(machine.connectionClosed() == true)
        #expect(machine.connectionClosed() == false)
    }

    @Test func oversizedHeadersAreABadRequest() {
        var machine = ConnectionStateMachine()
        #expect(machine.head(Self.head(extraHeaderBytes: ServerLimits.maximumHeaderBytes), takeSlot: { true }) == .reject(.badRequest))
        var longURI = ConnectionStateMachine()
        #expect(longURI.head(Self.head(.POST, "/" + String(repeating: "u", count: ServerLimits.maximumHeaderBytes)), takeSlot: { true })
            == .reject(.badRequest))
    }
}
