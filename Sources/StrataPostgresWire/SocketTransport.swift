import Glibc

/// A plain (unencrypted) connection over a non-blocking socket from `Socket`.
final class SocketTransport: Transport {
    /// The socket; -1 once closed or handed over to TLS.
    private(set) var fd: Int32

    /// Takes ownership of `fd`, which must be non-blocking.
    init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close()
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(WireError) {
        var written = 0
        while written < bytes.count {
            let fd = try openSocket()
            // MSG_NOSIGNAL: a database that has gone away must be an error
            // here, not a SIGPIPE that ends the process.
            let sent = bytes.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + written, buffer.count - written, Int32(MSG_NOSIGNAL))
            }
            if sent >= 0 {
                written += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try Socket.wait(fd, for: Int16(POLLOUT), until: deadline)
            default: throw .connectionLost(Socket.errorText())
            }
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(WireError) {
        while true {
            let fd = try openSocket()
            let received = Self.receive(into: &buffer) { chunk in recv(fd, chunk.baseAddress, chunk.count, 0) }
            if received > 0 { return }
            if received == 0 { throw .connectionLost("closed by the database") }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try Socket.wait(fd, for: Int16(POLLIN), until: deadline)
            default: throw .connectionLost(Socket.errorText())
            }
        }
    }

    func readIfReady(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(WireError) -> Bool {
        while true {
            let fd = try openSocket()
            let received = Self.receive(into: &buffer) { chunk in recv(fd, chunk.baseAddress, chunk.count, 0) }
            if received > 0 { return true }
            if received == 0 { throw .connectionLost("closed by the database") }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return false
            default: throw .connectionLost(Socket.errorText())
            }
        }
    }

    var descriptor: Int32 { fd }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Gives the socket to its new owner (TLS, after the database accepted
    /// SSLRequest); this transport is then closed without closing it.
    func releaseSocket() -> Int32 {
        defer { fd = -1 }
        return fd
    }

    private func openSocket() throws(WireError) -> Int32 {
        guard fd >= 0 else { throw .connectionLost("the connection is closed") }
        return fd
    }

    /// The most one read appends, which bounds the scratch space it takes.
    static let readLimit = 65536

    /// Calls `receiveChunk` with up to `readLimit` bytes of scratch space and
    /// appends what it says it filled (its result, when positive) to `buffer`.
    /// The scratch space is temporary (on the stack when there is room) so
    /// that an idle connection holds no buffer; the copy costs only the
    /// bytes that came.
    static func receive(into buffer: inout [UInt8], _ receiveChunk: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        withUnsafeTemporaryAllocation(byteCount: readLimit, alignment: 1) { chunk in
            let received = receiveChunk(chunk)
            if received > 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<received]))
            }
            return received
        }
    }
}
