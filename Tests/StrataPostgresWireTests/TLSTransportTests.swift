import Foundation
import Testing

@testable import StrataPostgresWire

/// TLS against `openssl s_server` with a throwaway self-signed certificate
/// (unverified, as with sslmode=require). s_server speaks TLS from the first
/// byte, so these tests skip PostgreSQL's SSLRequest.
@Suite struct TLSTransportTests {
    @Test(.timeLimit(.minutes(1)))
    func exchangesBytesWithOpenSSLServerAndReportsItsDeparture() throws {
        let server = try OpenSSLServer()
        defer { server.stop() }
        let fd = try Socket.connect(to: .tcp(host: "127.0.0.1", port: server.port), deadline: .inSeconds(10))
        let transport = try TLSTransport(fd: fd, serverName: "localhost", deadline: .inSeconds(10))
        defer { transport.close() }

        // -rev: the server answers each line reversed.
        try transport.write(Array("hello\n".utf8), deadline: .inSeconds(10))
        var buffer: [UInt8] = []
        while !buffer.contains(UInt8(ascii: "\n")) { try transport.read(into: &buffer, deadline: .inSeconds(10)) }
        #expect(String(decoding: buffer, as: UTF8.self) == "olleh\n")

        // Once the server is gone, writes fail: the first ones reach the
        // kernel, the server's host answers with a reset, and the next ones
        // find the socket broken (EPIPE), which must not raise SIGPIPE.
        server.stop()
        var failures = 0
        let raised = TestSockets.raisesSIGPIPE {
            for _ in 0..<20 {
                do throws(WireError) {
                    try transport.write(Array("more\n".utf8), deadline: .inSeconds(5))
                } catch {
                    if case .connectionLost = error { failures += 1 } else { Issue.record("unexpected \(error)") }
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        #expect(failures > 0)
        #expect(!raised)
    }

    @Test func handshakeWithAServerThatDoesNotSpeakTLSFails() throws {
        let (listener, port) = try TestSockets.tcpListener()
        defer { close(listener) }
        let fd = try Socket.connect(to: .tcp(host: "127.0.0.1", port: port), deadline: .inSeconds(5))
        let peer = try TestSockets.accept(listener)
        defer { close(peer) }
        try TestSockets.writeAll(peer, Array("HTTP/1.0 400 Bad Request\r\n\r\n".utf8))
        #expect {
            _ = try TLSTransport(fd: fd, deadline: .inSeconds(5))
        } throws: { error in
            if case WireError.connectionLost(let reason) = error { reason.hasPrefix("TLS: ") } else { false }
        }
    }

    @Test func handshakeWithASilentServerTimesOut() throws {
        let (listener, port) = try TestSockets.tcpListener()
        defer { close(listener) }
        let fd = try Socket.connect(to: .tcp(host: "127.0.0.1", port: port), deadline: .inSeconds(5))
        let peer = try TestSockets.accept(listener)
        defer { close(peer) }
        let start = ContinuousClock.now
        #expect(throws: WireError.timedOut) {
            _ = try TLSTransport(fd: fd, deadline: start + .milliseconds(200))
        }
        #expect(ContinuousClock.now - start < .seconds(3))
    }
}

/// `openssl s_server -rev` on a port of 127.0.0.1 the kernel picks, with a
/// fresh self-signed certificate.
final class OpenSSLServer {
    let port: Int
    private let process: Process
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let request = try Self.run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
            "-keyout", key, "-out", certificate,
        ])
        try Self.waitForExit(request, seconds: 30)
        guard request.terminationStatus == 0 else { throw TestSockets.Failure(description: "openssl req failed") }

        // Port 0: s_server binds a free port and prints "ACCEPT 127.0.0.1:<port>"
        // once it listens, which leaves no race for the port.
        let output = directory.appendingPathComponent("server.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process = try Self.run(
            ["s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-rev", "-naccept", "1"],
            output: try FileHandle(forWritingTo: output))
        let deadline = ContinuousClock.Instant.inSeconds(15)
        var found: Int?
        while found == nil, ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT ") }), let colon = line.lastIndex(of: ":") {
                found = Int(line[line.index(after: colon)...])
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        guard let found else {
            Self.kill(process)
            throw TestSockets.Failure(description: "openssl s_server did not start listening")
        }
        port = found
    }

    /// Ends the server (if still running) and removes its files; idempotent.
    func stop() {
        Self.kill(process)
        try? Self.waitForExit(process, seconds: 10)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        stop()
    }

    /// SIGKILL: children of the test process inherit its blocked signals,
    /// SIGTERM (Process.terminate) among them, so terminate() does nothing.
    private static func kill(_ process: Process) {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    private static func run(_ arguments: [String], output: FileHandle = .nullDevice) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func waitForExit(_ process: Process, seconds: Double) throws {
        let deadline = ContinuousClock.Instant.inSeconds(seconds)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process)
                throw TestSockets.Failure(description: "openssl \(process.arguments ?? []) did not finish in \(seconds) s")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
