/// A connected socket's bytes, plain (`SocketTransport`) or through TLS
/// (`TLSTransport`). One thread uses a transport at a time; every call
/// waits at most until its deadline.
protocol Transport: AnyObject {
    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(WireError)
    /// Appends at least one byte to `buffer`: what has arrived, up to
    /// `buffer`'s spare capacity or 64 KB.
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(WireError)
    /// Appends at least one byte to `buffer` if any can be read without
    /// waiting for the socket; false if none can.
    func readIfReady(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(WireError) -> Bool
    /// The socket, for epoll; -1 once closed.
    var descriptor: Int32 { get }
    /// Closes the socket. Further calls throw `connectionLost`.
    func close()
}
