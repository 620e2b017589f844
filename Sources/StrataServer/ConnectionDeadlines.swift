import NIOCore

/// The timeouts of one connection, as a value: what phase it is in since
/// when, and whether one of its deadlines has passed. Time comes in as an
/// argument, so that it can be tested without waiting.
struct ConnectionDeadlines {
    struct Timeouts: Equatable {
        var header: TimeAmount
        var minimumBodyRate: Int
        var bodyRateWindow: TimeAmount
        var idle: TimeAmount
        var write: TimeAmount
    }

    /// Why a connection is closed.
    enum Expiry: String, Equatable {
        case idle = "idle"
        case header = "request head not received in time"
        case slowBody = "request body below the minimum rate"
        case unreadAnswer = "answer not read in time"
    }

    private enum Phase {
        /// No byte of the next request yet.
        case waiting(since: NIODeadline)
        /// The first bytes of a request arrived; its head has not.
        case head(since: NIODeadline)
        /// Reading a body: bytes received in the rate window started then.
        case body(windowStart: NIODeadline, bytes: Int)
        /// The request is being answered: the connection is not read.
        case answering
    }

    let timeouts: Timeouts
    private var phase: Phase
    /// Since when the client has not taken the answers written to it.
    private var unwritableSince: NIODeadline?

    init(timeouts: Timeouts, now: NIODeadline) {
        self.timeouts = timeouts
        phase = .waiting(since: now)
    }

    mutating func bytesArrived(at now: NIODeadline) {
        if case .waiting = phase { phase = .head(since: now) }
    }

    mutating func headArrived(at now: NIODeadline) {
        phase = .body(windowStart: now, bytes: 0)
    }

    mutating func bodyArrived(bytes: Int) {
        if case .body(let start, let received) = phase { phase = .body(windowStart: start, bytes: received + bytes) }
    }

    mutating func requestEnded() {
        phase = .answering
    }

    mutating func answered(at now: NIODeadline) {
        phase = .waiting(since: now)
    }

    mutating func writabilityChanged(isWritable: Bool, at now: NIODeadline) {
        if isWritable {
            unwritableSince = nil
        } else if unwritableSince == nil {
            unwritableSince = now
        }
    }

    /// When the next deadline falls, as things stand; a later event may
    /// move it earlier (the first byte of a request), which the watchdog's
    /// regular check then sees.
    var nextDeadline: NIODeadline {
        var next: NIODeadline
        switch phase {
        case .waiting(let since): next = since + timeouts.idle
        case .head(let since): next = since + timeouts.header
        case .body(let start, _): next = start + timeouts.bodyRateWindow
        case .answering: next = .distantFuture
        }
        if let unwritableSince { next = min(next, unwritableSince + timeouts.write) }
        return next
    }

    /// The deadline that has passed at `now`, if any. A body that kept the
    /// rate over a whole window starts a new one.
    mutating func expiry(at now: NIODeadline) -> Expiry? {
        if let unwritableSince, now - unwritableSince >= timeouts.write { return .unreadAnswer }
        switch phase {
        case .waiting(let since):
            return now - since >= timeouts.idle ? .idle : nil
        case .head(let since):
            return now - since >= timeouts.header ? .header : nil
        case .body(let start, let bytes):
            let elapsed = now - start
            guard elapsed >= timeouts.bodyRateWindow else { return nil }
            let required = Int64(timeouts.minimumBodyRate) * elapsed.nanoseconds / 1_000_000_000
            if Int64(bytes) < required { return .slowBody }
            phase = .body(windowStart: now, bytes: 0)
            return nil
        case .answering:
            return nil
        }
    }
}
