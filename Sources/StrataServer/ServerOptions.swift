import NIOCore
import StrataAuth

/// How the front protects itself from its clients: caps on requests,
/// request-body memory and connections, and the timeouts of a connection.
/// The defaults never hurt an SDK client, which sends a request's head and
/// body at once, reads every answer and reuses idle connections for less
/// than a minute.
public struct ServerOptions: Sendable {
    /// API requests answered at once, counted from their head; beyond it a
    /// request gets ThrottlingException before its body is read. nil for no cap.
    public var maximumInFlight: Int?
    /// Bytes of request bodies held in memory at once, server-wide. A
    /// request whose body does not fit gets ThrottlingException and the
    /// connection closes. 256 MiB: 16 bodies of DynamoDB's largest size.
    public var maximumBodyMemory = 256 << 20
    /// Open client connections; beyond it a new one is closed at once.
    public var maximumConnections = 4096
    /// A request's head must arrive within this long of its first byte.
    /// 10 s: an SDK sends its head in one write.
    public var headerTimeout = TimeAmount.seconds(10)
    /// A body must arrive at this rate at least (bytes per second), over
    /// each `bodyRateWindow`. 1 KiB/s: a trickle is cut off, a slow link is not.
    public var minimumBodyRate = 1024
    public var bodyRateWindow = TimeAmount.seconds(5)
    /// A keep-alive connection with no request for this long is closed.
    /// 75 s: longer than the 60 s after which the SDKs drop an idle
    /// pooled connection themselves, so a client never races the close.
    public var idleTimeout = TimeAmount.seconds(75)
    /// An answer the client does not read for this long is abandoned with
    /// its connection.
    public var writeTimeout = TimeAmount.seconds(30)
    /// Host names accepted beside the loopback names when the server
    /// listens on a loopback address (a defence against DNS rebinding).
    public var allowedHosts: [String] = []
    /// Checks every API request's SigV4 signature; nil accepts any
    /// signature, or none, unchecked.
    public var authenticator: Authenticator?
    /// Answers `GET /metrics` (Prometheus' text format) from the requests
    /// in flight; nil answers 404.
    public var metrics: (@Sendable (_ inFlight: Int) -> [UInt8])?
    /// A token `GET /metrics` must carry (`Authorization: Bearer TOKEN`,
    /// as Prometheus sends it); nil leaves the metrics open.
    public var metricsToken: String?
    /// Serves the web console at `/console`; off answers 404 there.
    public var console = false

    public init() {}
}
