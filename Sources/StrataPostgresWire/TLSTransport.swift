import COpenSSL
import Glibc
import Synchronization

/// An encrypted connection: TLS through the system's libssl over a
/// non-blocking socket from `Socket`.
///
/// What it checks of the database's certificate follows `TLSVerification`,
/// as libpq's sslmode: nothing (`require`, which guards against
/// eavesdropping but not against someone impersonating the database), the
/// chain up to a trusted root (`verify-ca`), or the chain and the name of
/// the host connected to (`verify-full`).
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
    ///
    /// `serverName` goes in the handshake's SNI, which some proxies route
    /// by; libpq sends the host name unless it is an IP address.
    /// `verification` says what to check of the database's certificate;
    /// for `.certificateAndHost`, `host` is the name connected to (a DNS
    /// name, or an IPv4 or IPv6 address, which the certificate must then
    /// list as an IP address), and without one the handshake is refused.
    /// An untrusted certificate, or roots that cannot be read, throw
    /// `connectionFailed`: nothing has been sent to the database then.
    init(
        fd: Int32, serverName: String? = nil, verification: TLSVerification = .encryptionOnly, host: String? = nil,
        deadline: ContinuousClock.Instant
    ) throws(WireError) {
        self.fd = fd
        do throws(WireError) {
            let context = try Self.context(for: verification)
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
            if case .certificateAndHost = verification {
                guard let host, !host.isEmpty else {
                    throw .connectionFailed("TLS: checking the certificate's host name needs the host connected to")
                }
                try Self.expect(host: host, on: connection)
            }
            SSL_set_connect_state(connection)
            while true {
                ERR_clear_error()
                let result = SSL_connect(connection)
                if result == 1 { break }
                // With SSL_VERIFY_PEER a rejected certificate aborts the
                // handshake, and the verify result says why (it stays
                // X509_V_OK while the handshake merely waits for the socket).
                if verification != .encryptionOnly {
                    let verifyResult = SSL_get_verify_result(connection)
                    if verifyResult != Int(X509_V_OK) {
                        ERR_clear_error()
                        let reason = String(cString: X509_verify_cert_error_string(verifyResult))
                        throw .connectionFailed("TLS: the server's certificate is not trusted: \(reason)")
                    }
                }
                try waitToRetry(connection, result: result, deadline: deadline)
            }
            isHealthy = true
        } catch {
            close()
            throw error
        }
    }

    /// Has libssl check, during the handshake, that the certificate names
    /// `host`: an IP address literal against the certificate's IP address
    /// entries, anything else as a DNS name, where `*` may stand for a
    /// whole leftmost label only (OpenSSL's X509_check_host; the CN counts
    /// only if the certificate has no DNS names).
    private static func expect(host: String, on connection: OpaquePointer) throws(WireError) {
        ERR_clear_error()
        if isIPAddress(host) {
            guard let parameters = SSL_get0_param(connection),
                X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1
            else { throw failure("cannot set the address to check the certificate against") }
        } else {
            SSL_set_hostflags(connection, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(connection, host) == 1 else { throw failure("cannot set the host name to check the certificate against") }
        }
    }

    /// Whether `host` is an IPv4 or IPv6 address literal.
    private static func isIPAddress(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
    }

    deinit {
        close()
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(WireError) {
        var written = 0
        while written < bytes.count {
            let connection = try openConnection()
            // Partial writes are on (see configure), so a write may take
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

    func readIfReady(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(WireError) -> Bool {
        while true {
            let connection = try openConnection()
            ERR_clear_error()
            let result = SocketTransport.receive(into: &buffer) { chunk in
                Int(SSL_read(connection, chunk.baseAddress, Int32(chunk.count)))
            }
            if result > 0 { return true }
            // Wanting the socket's bytes is "not ready"; anything else
            // (wanting to write first, an error) is settled as a blocking read would.
            if SSL_get_error(connection, Int32(result)) == SSL_ERROR_WANT_READ { return false }
            try waitToRetry(connection, result: Int32(result), deadline: deadline)
        }
    }

    var descriptor: Int32 { fd }

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
        let parts = [what, queuedError()].compactMap { $0 }
        return .connectionLost("TLS: " + (parts.isEmpty ? "unknown failure" : parts.joined(separator: ": ")))
    }

    /// libssl's first queued error as text, nil if none; clears the queue.
    private static func queuedError() -> String? {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return nil }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What distinguishes one context from another: the certificate
    /// checks and where their roots come from. The host check is set per
    /// connection, so verify-ca and verify-full share a context.
    private enum ContextKey: Hashable {
        case unverified
        case systemRoots
        case rootFile(String)

        init(_ verification: TLSVerification) {
            switch verification {
            case .encryptionOnly: self = .unverified
            case .certificate(let roots), .certificateAndHost(let roots): self = roots.map { .rootFile($0) } ?? .systemRoots
            }
        }
    }

    /// An SSL_CTX, never changed once in `contexts` and never freed, which
    /// makes it safe to share between threads.
    private struct SharedContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// One context per configuration for the whole process: building one
    /// loads the system's OpenSSL configuration and parses root
    /// certificates. A root file is read once, when its context is built;
    /// a change to it later is not seen. Failures are not kept, so a root
    /// file that appears later is used.
    private static let contexts = Mutex<[ContextKey: SharedContext]>([:])

    private static func context(for verification: TLSVerification) throws(WireError) -> OpaquePointer {
        let key = ContextKey(verification)
        // Built under the lock, so that a configuration gets one context
        // even when connections open at once; it is done once per
        // configuration and process.
        return try contexts.withLock { (contexts: inout [ContextKey: SharedContext]) throws(WireError) -> SharedContext in
            if let context = contexts[key] { return context }
            let context = SharedContext(pointer: try makeContext(key))
            contexts[key] = context
            return context
        }.pointer
    }

    private static func makeContext(_ key: ContextKey) throws(WireError) -> OpaquePointer {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("cannot create the context") }
        do throws(WireError) {
            try configure(context, key)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        return context
    }

    private static func configure(_ context: OpaquePointer, _ key: ContextKey) throws(WireError) {
        switch key {
        case .unverified:
            // sslmode=require: no certificate check.
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        case .systemRoots:
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw .connectionFailed("TLS: cannot read the system's root certificates: \(queuedError() ?? "unknown failure")")
            }
        case .rootFile(let path):
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_load_verify_locations(context, path, nil) == 1 else {
                throw .connectionFailed("TLS: cannot read root certificates \(path): \(queuedError() ?? "unknown failure")")
            }
        }
        // Nothing older than TLS 1.2, as PostgreSQL's own default
        // (ssl_min_protocol_version). The setter is a C macro over SSL_CTX_ctrl.
        guard SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil) == 1 else {
            throw failure("cannot require TLS 1.2")
        }
        // SSL_write returns as soon as some records are out (partial writes),
        // and a write retried after WANT_WRITE may pass the same bytes at
        // another address (Swift arrays are not pinned between calls).
        let modes = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
        SSL_CTX_ctrl(context, SSL_CTRL_MODE, Int(modes), nil)
    }
}
