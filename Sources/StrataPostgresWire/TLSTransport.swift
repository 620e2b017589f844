import COpenSSL
import Glibc

/// An encrypted connection: TLS through the system's libssl over a
/// non-blocking socket from `Socket`.
///
/// Like libpq's `sslmode=require`, it encrypts but does not verify the
/// database's certificate, so it guards against eavesdropping, not against
/// someone impersonating the database.
final class TLSTransport: Transport {
    /// The SSL object; nil once closed.
    private var connection: OpaquePointer?
    private var fd: Int32
    /// Whether the TLS stream is intact (handshake done, no failure or
    /// timeout since), which close_notify needs: OpenSSL forbids
    /// SSL_shutdown after a fatal error.
    private var isHealthy = false

    /// Takes ownership of `fd` (closing it if the handshake fails) and does
    /// the TLS handshake on it. The database must already have answered
    /// SSLRequest with 'S', and nothing after that 'S' may have been read:
    /// bytes sent before the handshake are not protected by it.
    /// `serverName` goes in the handshake's SNI, which some proxies route
    /// by; libpq sends the host name unless it is an IP address.
    init(fd: Int32, serverName: String? = nil, deadline: ContinuousClock.Instant) throws(WireError) {
        self.fd = fd
        do throws(WireError) {
            let context = try Self.sharedContext.get()
            ERR_clear_error()
            guard let connection = SSL_new(context) else { throw Self.failure("cannot create the connection") }
            self.connection = connection
            guard let bio = NoSignalSocketBIO.make(fd: fd) else { throw Self.failure("cannot create the socket BIO") }
            // The SSL object owns the BIO from here (one BIO for both ways).
            SSL_set_bio(connection, bio, bio)
            // SSL_set_tlsext_host_name, a C macro over SSL_ctrl; libssl copies the name.
            let nameSet = serverName.map { name in
                name.withCString { SSL_ctrl(connection, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0)) }
            }
            if let nameSet, nameSet != 1 { throw Self.failure("cannot set the server name") }
            SSL_set_connect_state(connection)
            while true {
                ERR_clear_error()
                let result = SSL_connect(connection)
                if result == 1 { break }
                try waitToRetry(connection, result: result, deadline: deadline)
            }
            isHealthy = true
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(WireError) {
        var written = 0
        while written < bytes.count {
            let connection = try openConnection()
            // Partial writes are on (see makeContext), so a write may take
            // fewer bytes; a retried write may also see the array elsewhere.
            let chunk = Int32(clamping: bytes.count - written)
            ERR_clear_error()
            let result = bytes.withUnsafeBytes { buffer in SSL_write(connection, buffer.baseAddress! + written, chunk) }
            if result > 0 {
                written += Int(result)
            } else {
                try waitToRetry(connection, result: result, deadline: deadline)
            }
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(WireError) {
        while true {
            let connection = try openConnection()
            ERR_clear_error()
            // SSL_read first, poll only when it wants more: libssl may hold
            // decrypted bytes that poll on the socket would not show.
            let result = SocketTransport.receive(into: &buffer) { chunk in
                Int(SSL_read(connection, chunk.baseAddress, Int32(chunk.count)))
            }
            if result > 0 { return }
            try waitToRetry(connection, result: Int32(result), deadline: deadline)
        }
    }

    /// Sends close_notify if the stream is intact and the socket takes it
    /// at once (the database does not wait for it), then frees the
    /// connection and closes the socket.
    func close() {
        if let connection {
            ERR_clear_error()
            if isHealthy { SSL_shutdown(connection) }
            isHealthy = false
            SSL_free(connection)
            self.connection = nil
        }
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        ERR_clear_error()
    }

    private func openConnection() throws(WireError) -> OpaquePointer {
        guard let connection else { throw .connectionLost("the connection is closed") }
        return connection
    }

    /// After an SSL call returned `result` (not success): waits for the
    /// socket if libssl wants to read or write first, else throws. Any
    /// error, a timeout included, leaves the stream unusable.
    private func waitToRetry(_ connection: OpaquePointer, result: Int32, deadline: ContinuousClock.Instant) throws(WireError) {
        let savedErrno = errno
        let events: Int32
        switch SSL_get_error(connection, result) {
        case SSL_ERROR_WANT_READ:
            events = POLLIN
        case SSL_ERROR_WANT_WRITE:
            events = POLLOUT
        case SSL_ERROR_ZERO_RETURN:
            isHealthy = false
            throw .connectionLost("closed by the database")
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            // A socket error, or (errno 0) the end of the stream with no
            // close_notify.
            isHealthy = false
            throw .connectionLost(savedErrno == 0 ? "closed by the database" : Socket.errorText(savedErrno))
        default:
            isHealthy = false
            throw Self.failure(nil)
        }
        do throws(WireError) {
            try Socket.wait(fd, for: Int16(events), until: deadline)
        } catch {
            isHealthy = false
            throw error
        }
    }

    /// `connectionLost("TLS: ...")` with libssl's first queued error, if any.
    private static func failure(_ what: String?) -> WireError {
        let code = ERR_get_error()
        ERR_clear_error()
        var reason: String?
        if code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reason = String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let parts = [what, reason].compactMap { $0 }
        return .connectionLost("TLS: " + (parts.isEmpty ? "unknown failure" : parts.joined(separator: ": ")))
    }

    /// One context for every connection: building one loads the system's
    /// OpenSSL configuration, and a context is safe to share between
    /// threads once set up. It is never changed after this.
    private nonisolated(unsafe) static let sharedContext: Result<OpaquePointer, WireError> = makeContext()

    private static func makeContext() -> Result<OpaquePointer, WireError> {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else { return .failure(failure("cannot create the context")) }
        // sslmode=require: no certificate check (SSL_VERIFY_NONE) ...
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        // ... but nothing older than TLS 1.2, as PostgreSQL's own default
        // (ssl_min_protocol_version). The setter is a C macro over SSL_CTX_ctrl.
        guard SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil) == 1 else {
            SSL_CTX_free(context)
            return .failure(failure("cannot require TLS 1.2"))
        }
        // SSL_write returns as soon as some records are out (partial writes),
        // and a write retried after WANT_WRITE may pass the same bytes at
        // another address (Swift arrays are not pinned between calls).
        let modes = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
        SSL_CTX_ctrl(context, SSL_CTRL_MODE, Int(modes), nil)
        return .success(context)
    }
}
