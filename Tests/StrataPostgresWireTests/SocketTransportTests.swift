import Foundation
import Testing

@testable import StrataPostgresWire

/// Connecting (TCP and Unix-domain), and the plain transport's reads,
/// writes, deadlines and failures, against sockets the tests make.
@Suite struct SocketTransportTests {
    @Test func connectingToAClosedTCPPortFailsPromptly() throws {
        // Bound but not listening: the kernel refuses connections, and no
        // other process can take the port meanwhile.
        let (listener, port) = try TestSockets.tcpListener(listening: false)
        defer { close(listener) }
        let start = ContinuousClock.now
        #expect {
            _ = try Socket.connect(to: .tcp(host: "127.0.0.1", port: port), deadline: .inSeconds(10))
        } throws: { error in
            guard case WireError.connectionFailed(let reason) = error else { return false }
            return reason.hasPrefix("127.0.0.1:\(port): ") && reason.contains("refused")
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func connectingToAnUnknownHostFails() {
        #expect {
            _ = try Socket.connect(to: .tcp(host: "no-such-host.invalid", port: 5432), deadline: .inSeconds(10))
        } throws: { error in
            if case WireError.connectionFailed(let reason) = error { reason.hasPrefix("no-such-host.invalid:5432: ") } else { false }
        }
    }

    @Test func connectingToAMissingUnixSocketFails() {
        let path = "/tmp/strata-wire-missing-\(UUID().uuidString)/.s.PGSQL.5432"
        #expect {
            _ = try Socket.connect(to: .socket(path: path), deadline: .inSeconds(5))
        } throws: { error in
            if case WireError.connectionFailed(let reason) = error { reason.hasPrefix(path + ": ") } else { false }
        }
    }

    @Test func aUnixSocketPathTooLongIsRefused() {
        let path = "/tmp/" + String(repeating: "x", count: 120)
        #expect {
            _ = try Socket.connect(to: .socket(path: path), deadline: .inSeconds(5))
        } throws: { error in
            if case WireError.connectionFailed(let reason) = error { reason.contains("longer than 107 bytes") } else { false }
        }
    }

    @Test func tcpConnectionIsNonBlockingAndRoundTripsBytes() throws {
        let (listener, port) = try TestSockets.tcpListener()
        defer { close(listener) }
        // "localhost" may resolve to ::1 first, which nothing listens on:
        // the next address must be tried.
        let fd = try Socket.connect(to: .tcp(host: "localhost", port: port), deadline: .inSeconds(10))
        #expect(fcntl(fd, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
        var noDelay: Int32 = 0
        var length = socklen_t(4)
        getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, &length)
        #expect(noDelay != 0)

        let transport = SocketTransport(fd: fd)
        let peer = try TestSockets.accept(listener)
        defer { close(peer) }
        try transport.write(Array("ping".utf8), deadline: .inSeconds(5))
        var received = [UInt8](repeating: 0, count: 4)
        #expect(recv(peer, &received, 4, Int32(MSG_WAITALL)) == 4)
        #expect(received == Array("ping".utf8))
        try TestSockets.writeAll(peer, Array("pong".utf8))
        var buffer: [UInt8] = Array("so far:".utf8)
        while buffer.count < 11 { try transport.read(into: &buffer, deadline: .inSeconds(5)) }
        #expect(String(decoding: buffer, as: UTF8.self) == "so far:pong")
        transport.close()
        transport.close()
        #expect(transport.fd == -1)
    }

    @Test func unixConnectionRoundTripsBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-wire-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(".s.PGSQL.5432").path
        let listener = try TestSockets.unixListener(path: path)
        defer { close(listener) }

        let transport = SocketTransport(fd: try Socket.connect(to: .socket(path: path), deadline: .inSeconds(5)))
        let peer = try TestSockets.accept(listener)
        defer { close(peer) }
        try transport.write(Array("hello".utf8), deadline: .inSeconds(5))
        var received = [UInt8](repeating: 0, count: 5)
        #expect(recv(peer, &received, 5, Int32(MSG_WAITALL)) == 5)
        #expect(received == Array("hello".utf8))
    }

    @Test func largeWriteWaitsForTheReaderAndArrivesWhole() throws {
        let (mine, theirs) = try TestSockets.pair()
        // Far more than the socket buffers hold: write has to wait for room.
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = BackgroundThread {
            let transport = SocketTransport(fd: theirs)
            try transport.write(payload, deadline: .inSeconds(20))
        }
        let transport = SocketTransport(fd: mine)
        var buffer: [UInt8] = []
        var reads = 0
        while buffer.count < payload.count {
            let before = buffer.count
            try transport.read(into: &buffer, deadline: .inSeconds(20))
            #expect(buffer.count > before && buffer.count - before <= SocketTransport.readLimit)
            reads += 1
        }
        try writer.join(seconds: 20)
        #expect(buffer == payload)
        #expect(reads > 1)
    }

    @Test func readWithAPassedDeadlineAndNoDataTimesOut() throws {
        let (mine, theirs) = try TestSockets.pair()
        defer { close(theirs) }
        let transport = SocketTransport(fd: mine)
        var buffer: [UInt8] = []
        #expect(throws: WireError.timedOut) {
            try transport.read(into: &buffer, deadline: .now - .seconds(1))
        }
    }

    @Test func readWaitsUntilItsDeadline() throws {
        let (mine, theirs) = try TestSockets.pair()
        defer { close(theirs) }
        let transport = SocketTransport(fd: mine)
        var buffer: [UInt8] = []
        let start = ContinuousClock.now
        #expect(throws: WireError.timedOut) {
            try transport.read(into: &buffer, deadline: start + .milliseconds(150))
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(150) && waited < .seconds(3))
    }

    @Test func readReturnsDataThatArrivedEvenPastTheDeadline() throws {
        let (mine, theirs) = try TestSockets.pair()
        defer { close(theirs) }
        try TestSockets.writeAll(theirs, [1, 2, 3])
        let transport = SocketTransport(fd: mine)
        var buffer: [UInt8] = []
        try transport.read(into: &buffer, deadline: .now - .seconds(1))
        #expect(buffer == [1, 2, 3])
    }

    @Test func peerClosingIsConnectionLost() throws {
        let (mine, theirs) = try TestSockets.pair()
        close(theirs)
        let transport = SocketTransport(fd: mine)
        var buffer: [UInt8] = []
        #expect(throws: WireError.connectionLost("closed by the database")) {
            try transport.read(into: &buffer, deadline: .inSeconds(5))
        }
        // MSG_NOSIGNAL: an error, not a SIGPIPE that would end a process
        // that does not ignore it.
        let raised = TestSockets.raisesSIGPIPE {
            #expect {
                try transport.write([1], deadline: .inSeconds(5))
            } throws: { error in
                if case WireError.connectionLost = error { true } else { false }
            }
        }
        #expect(!raised)
    }

    @Test func closedTransportRefusesReadsAndWrites() throws {
        let (mine, theirs) = try TestSockets.pair()
        defer { close(theirs) }
        let transport = SocketTransport(fd: mine)
        transport.close()
        var buffer: [UInt8] = []
        #expect(throws: WireError.connectionLost("the connection is closed")) {
            try transport.read(into: &buffer, deadline: .inSeconds(1))
        }
        #expect(throws: WireError.connectionLost("the connection is closed")) {
            try transport.write([1], deadline: .inSeconds(1))
        }
    }

    @Test func releasedSocketStaysOpen() throws {
        let (mine, theirs) = try TestSockets.pair()
        defer { close(theirs) }
        let transport = SocketTransport(fd: mine)
        let fd = transport.releaseSocket()
        transport.close()
        #expect(fd == mine && transport.fd == -1)
        #expect(fcntl(fd, F_GETFD) != -1)
        close(fd)
    }
}
