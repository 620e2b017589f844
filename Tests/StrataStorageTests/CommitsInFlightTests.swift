@testable import StrataStorage
import Testing

/// What a backup waits for when it fixes its moment: the transactions in
/// flight then, and not those that begin afterwards.
@Suite struct CommitsInFlightTests {
    @Test func settleWaitsForThoseInFlightThenAndNoOthers() async {
        let inFlight = CommitsInFlight()
        await inFlight.settle()  // none: at once
        let first = inFlight.begin(), second = inFlight.begin()
        let settled = Task { await inFlight.settle() }
        // The wait has taken its list before the next transaction begins.
        while inFlight.waiting == 0 { await Task.yield() }
        let later = inFlight.begin()
        inFlight.end(first)
        #expect(inFlight.waiting == 1, "still waiting for the second")
        inFlight.end(second)
        // Released although `later` is still in flight.
        #expect(inFlight.waiting == 0)
        inFlight.end(later)
        await settled.value
        await inFlight.settle()
    }
}
