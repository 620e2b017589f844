import Glibc

/// Opening the socket to the database, and waiting on it. Sockets are
/// non-blocking so that every wait can end at a deadline (blocking calls
/// could hang on a silent network until the kernel gives up, minutes later).
enum Socket {
    /// A connected, non-blocking, close-on-exec socket to `endpoint`.
    /// Resolving the host name is not bounded by `deadline`: getaddrinfo
    /// cannot be interrupted.
    static func connect(to endpoint: Endpoint, deadline: ContinuousClock.Instant) throws(WireError) -> Int32 {
        switch endpoint {
        case .tcp(let host, let port): try connectTCP(host: host, port: port, deadline: deadline)
        case .socket(let path): try connectUnix(path: path, deadline: deadline)
        }
    }

    /// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or reports
    /// an error or hang-up, which the next read or write then reports.
    static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) throws(WireError) {
        var request = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let ready = poll(&request, 1, milliseconds(until: deadline))
            if ready > 0 { return }
            if ready == 0 {
                // poll may wake a little early (its timeout is rounded to
                // milliseconds); only a passed deadline is a timeout.
                if ContinuousClock.now >= deadline { throw .timedOut }
                continue
            }
            if errno != EINTR { throw .connectionLost("poll: \(errorText())") }
        }
    }

    /// The text of the current `errno`.
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    private static func connectTCP(host: String, port: Int, deadline: ContinuousClock.Instant) throws(WireError) -> Int32 {
        let name = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard (1...65535).contains(port) else { throw .connectionFailed("\(name): invalid port") }

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var addresses: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &addresses)
        guard status == 0 else {
            let reason = status == EAI_SYSTEM ? errorText() : String(cString: gai_strerror(status))
            throw .connectionFailed("\(name): \(reason)")
        }
        defer { freeaddrinfo(addresses) }

        // Like libpq: try each address the name has (IPv6 and IPv4, say) in
        // getaddrinfo's order, and report the last failure.
        var lastFailure = "no address"
        var address = addresses
        while let current = address?.pointee {
            address = current.ai_next
            let fd = socket(current.ai_family, current.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), current.ai_protocol)
            guard fd >= 0 else {
                lastFailure = errorText()
                continue
            }
            do throws(WireError) {
                let started = Glibc.connect(fd, current.ai_addr, current.ai_addrlen) == 0 ? 0 : errno
                try finishConnecting(fd, started: started, deadline: deadline)
                // Protocol messages are small and each is written whole; Nagle
                // would hold a query back waiting for the previous one's ACK.
                var on: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                return fd
            } catch .connectionFailed(let reason) {
                Glibc.close(fd)
                lastFailure = reason
            } catch {
                Glibc.close(fd)
                throw error
            }
        }
        throw .connectionFailed("\(name): \(lastFailure)")
    }

    private static func connectUnix(path: String, deadline: ContinuousClock.Instant) throws(WireError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // The path is stored NUL-terminated; a longer one would be cut and
        // name another file.
        guard pathBytes.count < capacity else {
            throw .connectionFailed("\(path): the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connectionFailed("\(path): \(errorText())") }
        let started = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                Glibc.connect(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 ? 0 : errno
            }
        }
        do throws(WireError) {
            try finishConnecting(fd, started: started, deadline: deadline)
        } catch .connectionFailed(let reason) {
            Glibc.close(fd)
            throw .connectionFailed("\(path): \(reason)")
        } catch {
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    /// Waits until `deadline` for the non-blocking `fd`'s connection, which
    /// connect(2) `started` (0, or its errno). Failures are
    /// `connectionFailed` with the bare reason; the caller names the endpoint.
    private static func finishConnecting(_ fd: Int32, started: Int32, deadline: ContinuousClock.Instant) throws(WireError) {
        if started == 0 { return }
        // EINTR: the connection goes on in the background, as with EINPROGRESS.
        guard started == EINPROGRESS || started == EINTR else { throw .connectionFailed(errorText(started)) }
        do throws(WireError) {
            try wait(fd, for: Int16(POLLOUT), until: deadline)
        } catch .connectionLost(let reason) {
            throw .connectionFailed(reason)
        }
        var failure: Int32 = 0
        var failureLength = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &failureLength) == 0 else {
            throw .connectionFailed(errorText())
        }
        if failure != 0 { throw .connectionFailed(errorText(failure)) }
    }

    /// poll's timeout for `deadline`: rounded up, so that a wait does not end
    /// just before it; 0 once it has passed.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
