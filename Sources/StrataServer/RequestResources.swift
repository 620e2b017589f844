import StrataModel

/// What an API request holds while it is read and answered: a slot among
/// the requests in flight and its body's bytes in the memory budget.
protocol RequestResources {
    func tryBeginRequest() -> Bool
    func endRequest()
    func tryReserveBody(_ bytes: Int) -> Bool
    func releaseBody(_ bytes: Int)
}

/// The server's shared caps, seen by every connection.
struct ServerResources: RequestResources, Sendable {
    let inFlight: InFlightRequests
    /// Request-body bytes held in memory, server-wide (`--max-body-memory`).
    let bodyMemory: CappedBudget

    func tryBeginRequest() -> Bool { inFlight.tryBegin() }
    func endRequest() { inFlight.end() }
    func tryReserveBody(_ bytes: Int) -> Bool { bodyMemory.tryReserve(bytes) }
    func releaseBody(_ bytes: Int) { bodyMemory.release(bytes) }
}
