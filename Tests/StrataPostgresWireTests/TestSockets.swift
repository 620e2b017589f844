import Foundation

@testable import StrataPostgresWire

/// Sockets for tests to talk to the transports: listeners, accepted peers,
/// and connected pairs, all closed by the test.
enum TestSockets {
    /// A TCP socket bound to 127.0.0.1 on a port the kernel picks, listening
    /// unless told not to (then connecting to it is refused).
    static func tcpListener(listening: Bool = true) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        try check(fd >= 0, "socket")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try check(bound == 0, "bind")
        if listening { try check(listen(fd, 8) == 0, "listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        try check(named == 0, "getsockname")
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A Unix-domain socket listening at `path`.
    static func unixListener(path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        try check(fd >= 0, "socket")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try check(bound == 0, "bind")
        try check(listen(fd, 8) == 0, "listen")
        return fd
    }

    /// The next connection on `listener`, blocking; the tests call it only
    /// once the client has connected.
    static func accept(_ listener: Int32) throws -> Int32 {
        let fd = Glibc.accept(listener, nil, nil)
        try check(fd >= 0, "accept")
        return fd
    }

    /// Two connected non-blocking Unix-domain stream sockets.
    static func pair() throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        let made = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &fds)
        try check(made == 0, "socketpair")
        return (fds[0], fds[1])
    }

    /// Writes all of `bytes` to a blocking socket.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL)) }
            try check(sent > 0, "send")
            written += sent
        }
    }

    /// Whether `body` raised SIGPIPE on this thread. The test process
    /// ignores SIGPIPE, which would hide it, so the signal is blocked
    /// meanwhile: Linux keeps a blocked signal pending even when ignored.
    static func raisesSIGPIPE(_ body: () throws -> Void) rethrows -> Bool {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try body()
        var pending = sigset_t()
        sigpending(&pending)
        guard sigismember(&pending, SIGPIPE) == 1 else { return false }
        var immediately = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeOnly, nil, &immediately)
        return true
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ condition: Bool, _ call: String) throws {
        if !condition { throw Failure(description: "\(call): \(String(cString: strerror(errno)))") }
    }
}

extension ContinuousClock.Instant {
    /// `seconds` from now.
    static func inSeconds(_ seconds: Double) -> Self {
        .now + .milliseconds(Int(seconds * 1000))
    }
}

/// Runs `body` on a thread of its own (not the test's, nor Swift's
/// cooperative pool, which a blocking call could starve) and waits for it.
final class BackgroundThread: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: (any Error)?

    init(_ body: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do { try body() } catch { lock.withLock { failure = error } }
            finished.signal()
        }
        thread.start()
    }

    /// Waits at most `seconds` for the thread, then rethrows what it threw.
    func join(seconds: Double) throws {
        guard finished.wait(timeout: .now() + seconds) == .success else {
            throw TestSockets.Failure(description: "the background thread did not finish in \(seconds) s")
        }
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
