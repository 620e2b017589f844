import NIOCore
import NIOHTTP1
import Testing
@testable import StrataServer

@Suite struct ConnectionStateMachineTests {
    private static func head(
        _ method: HTTPMethod = .POST, _ uri: String = "/", contentLength: Int? = nil, extraHeaderBytes: Int = 0,
        headers extra: [(String, String)] = [], version: HTTPVersion = .http1_1
    ) -> RequestHead {
        var headers = [("X-Amz-Target", "DynamoDB_20120810.GetItem")] + extra
        if let contentLength { headers.append(("Content-Length", String(contentLength))) }
        if extraHeaderBytes > 0 { headers.append(("X-Padding", String(repeating: "p", count: extraHeaderBytes))) }
        return try! RequestHead(method: method, uri: uri, version: version, headers: RequestHeaders(headers))
    }

    /// Counts slots and body bytes as the server's caps do.
    private final class Resources: RequestResources {
        var slots = 0
        var bytes = 0
        let maximumSlots: Int
        let maximumBytes: Int
        init(slots: Int = 8, bytes: Int = 64 << 20) {
            maximumSlots = slots
            maximumBytes = bytes
        }
        func tryBeginRequest() -> Bool {
            guard slots < maximumSlots else { return false }
            slots += 1
            return true
        }
        func endRequest() { slots -= 1 }
        func tryReserveBody(_ count: Int) -> Bool {
            guard bytes + count <= maximumBytes else { return false }
            bytes += count
            return true
        }
        func releaseBody(_ count: Int) { bytes -= count }
    }

    @Test func anAPIRequestHoldsItsSlotAndBytesUntilAnswered() {
        let resources = Resources()
        var machine = ConnectionStateMachine(resources: resources)
        let head = Self.head(contentLength: 10)
        #expect(machine.head(head) == .receiveBody(capacity: 10, sendContinue: false))
        #expect(machine.body(bytes: 4) == .append)
        #expect(machine.body(bytes: 6) == .append)
        #expect(machine.end() == .dispatch(head))
        #expect(machine.isAnswering)
        #expect((resources.slots, resources.bytes) == (1, 10))
        machine.answered()
        #expect((resources.slots, resources.bytes) == (0, 0))
        #expect(machine.isIdle)
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
    func otherRequestsIgnoreTheirBodyAndTakeNothing(method: HTTPMethod, uri: String, status: HTTPResponseStatus) {
        let resources = Resources(slots: 0, bytes: 0)
        var machine = ConnectionStateMachine(resources: resources)
        let head = Self.head(method, uri)
        #expect(machine.head(head) == .ignoreBody)
        #expect(machine.body(bytes: 100) == .drop)
        #expect(machine.end() == .answerPlain(head, status))
        #expect(machine.isIdle)
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() {
        let resources = Resources()
        var machine = ConnectionStateMachine(resources: resources)
        #expect(machine.head(Self.head(contentLength: ServerLimits.maximumBodyBytes + 1)) == .reject(.payloadTooLarge))
        #expect((resources.slots, resources.bytes) == (0, 0))
        // Nothing more is read on a closing connection.
        #expect(machine.body(bytes: 10) == .drop)
        #expect(machine.end() == .none)
    }

    @Test func aSentBodyOverTheLimitIsCutOffAndGivesBackWhatItHeld() {
        let resources = Resources()
        var machine = ConnectionStateMachine(resources: resources)
        #expect(machine.head(Self.head()) == .receiveBody(capacity: 0, sendContinue: false))
        #expect(machine.body(bytes: ServerLimits.maximumBodyBytes) == .append)
        #expect(machine.body(bytes: 1) == .reject(.payloadTooLarge))
        #expect((resources.slots, resources.bytes) == (0, 0))
        #expect(machine.end() == .none)
    }

    @Test func beyondTheInFlightCapARequestIsThrottledBeforeItsBody() {
        let resources = Resources(slots: 2)
        var first = ConnectionStateMachine(resources: resources)
        var second = ConnectionStateMachine(resources: resources)
        var third = ConnectionStateMachine(resources: resources)
        #expect(first.head(Self.head(contentLength: 10_000_000)) == .receiveBody(capacity: 1 << 20, sendContinue: false))
        #expect(second.head(Self.head(contentLength: 10_000_000)) == .receiveBody(capacity: 1 << 20, sendContinue: false))
        #expect(third.head(Self.head(contentLength: 10_000_000)) == .reject(.throttled))
        #expect(third.body(bytes: 1000) == .drop)
        #expect((resources.slots, resources.bytes) == (2, 20_000_000))
    }

    @Test func aDeclaredBodyBeyondTheMemoryBudgetIsThrottledAndTakesNoSlot() {
        let resources = Resources(bytes: 15_000_000)
        var first = ConnectionStateMachine(resources: resources)
        var second = ConnectionStateMachine(resources: resources)
        #expect(first.head(Self.head(contentLength: 10_000_000)) == .receiveBody(capacity: 1 << 20, sendContinue: false))
        #expect(second.head(Self.head(contentLength: 10_000_000)) == .reject(.throttled))
        #expect((resources.slots, resources.bytes) == (1, 10_000_000))
    }

    @Test func aChunkedBodyReservesAsItGrowsAndIsCutOffWhenTheBudgetRunsOut() {
        let step = ConnectionStateMachine<Resources>.reservationStep
        let resources = Resources(bytes: 3 * step)
        var machine = ConnectionStateMachine(resources: resources)
        #expect(machine.head(Self.head()) == .receiveBody(capacity: 0, sendContinue: false))
        #expect(machine.body(bytes: 10) == .append)
        #expect(resources.bytes == step)
        // Beyond a step, exactly what the body needs.
        #expect(machine.body(bytes: 2 * step) == .append)
        #expect(resources.bytes == 2 * step + 10)
        #expect(machine.body(bytes: step) == .reject(.throttled))
        #expect((resources.slots, resources.bytes) == (0, 0))
    }

    @Test func aClientThatLeavesMidBodyGivesBackWhatItHeld() {
        let resources = Resources()
        var machine = ConnectionStateMachine(resources: resources)
        #expect(machine.head(Self.head(contentLength: 100)) == .receiveBody(capacity: 100, sendContinue: false))
        #expect(machine.body(bytes: 50) == .append)
        machine.connectionClosed()
        machine.connectionClosed()
        #expect((resources.slots, resources.bytes) == (0, 0))
    }

    @Test func aClientThatLeavesWhileAnsweredIsReleasedOnceByTheAnswer() {
        let resources = Resources()
        var machine = ConnectionStateMachine(resources: resources)
        _ = machine.head(Self.head(contentLength: 10))
        _ = machine.body(bytes: 10)
        _ = machine.end()
        machine.connectionClosed()
        #expect((resources.slots, resources.bytes) == (1, 10))
        machine.answered()
        machine.answered()
        #expect((resources.slots, resources.bytes) == (0, 0))
    }

    @Test func expectContinueIsAnsweredOnlyForAnAcceptedHTTP11Body() {
        let expect = [("Expect", "100-continue")]
        var accepted = ConnectionStateMachine(resources: Resources())
        #expect(accepted.head(Self.head(contentLength: 10, headers: expect)) == .receiveBody(capacity: 10, sendContinue: true))
        var old = ConnectionStateMachine(resources: Resources())
        #expect(old.head(Self.head(contentLength: 10, headers: expect, version: .http1_0)) == .receiveBody(capacity: 10, sendContinue: false))
        var refused = ConnectionStateMachine(resources: Resources(slots: 0))
        #expect(refused.head(Self.head(contentLength: 10, headers: expect)) == .reject(.throttled))
    }

    @Test func oversizedHeadersAreABadRequest() {
        var machine = ConnectionStateMachine(resources: Resources())
        #expect(machine.head(Self.head(extraHeaderBytes: ServerLimits.maximumHeaderBytes)) == .reject(.badRequest))
        var longURI = ConnectionStateMachine(resources: Resources())
        #expect(longURI.head(Self.head(.POST, "/" + String(repeating: "u", count: ServerLimits.maximumHeaderBytes))) == .reject(.badRequest))
    }
}
