import Foundation
import Testing

@testable import StrataPostgresWire

/// TLS against `openssl s_server`, with a throwaway self-signed certificate
/// (unverified, as with sslmode=require) or one from a test CA (`TestPKI`)
/// for the certificate checks. s_server speaks TLS from the first byte, so
/// these tests skip PostgreSQL's SSLRequest.
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

    // Certificate checks (sslmode verify-ca and verify-full) against a
    // server certificate from a test CA, naming DNS:localhost and
    // IP:127.0.0.1 (not in its CN), with a second, unrelated CA.

    @Test(.timeLimit(.minutes(1)))
    func unverifiedAcceptsASelfSignedCertificate() throws {
        let server = try OpenSSLServer()
        defer { server.stop() }
        let transport = try Self.connect(to: server, verification: .encryptionOnly)
        defer { transport.close() }
        try Self.expectRoundTrip(transport)
    }

    @Test(.timeLimit(.minutes(1)))
    func verifyCAAcceptsACertificateFromTheGivenRoots() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try OpenSSLServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        // No host check: the name asked for does not matter.
        let transport = try Self.connect(to: server, verification: .certificate(rootCertificates: pki.authority), host: "otherhost.example")
        defer { transport.close() }
        try Self.expectRoundTrip(transport)
    }

    @Test(.timeLimit(.minutes(1)))
    func verifyCARejectsACertificateFromAnotherAuthority() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try OpenSSLServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        Self.expectUntrusted { try Self.connect(to: server, verification: .certificate(rootCertificates: pki.unrelatedAuthority)) }
    }

    @Test(.timeLimit(.minutes(1)))
    func verifyCARejectsASelfSignedCertificate() throws {
        let server = try OpenSSLServer()
        defer { server.stop() }
        // The system's roots: whatever they hold, not this throwaway certificate.
        Self.expectUntrusted { try Self.connect(to: server, verification: .certificate(rootCertificates: nil)) }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["localhost", "127.0.0.1"])
    func verifyFullAcceptsANameTheCertificateLists(host: String) throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try OpenSSLServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        let transport = try Self.connect(to: server, verification: .certificateAndHost(rootCertificates: pki.authority), host: host)
        defer { transport.close() }
        try Self.expectRoundTrip(transport)
    }

    @Test(.timeLimit(.minutes(1)), arguments: [
        ("otherhost.example", "hostname mismatch"), ("127.0.0.2", "IP address mismatch"), ("::1", "IP address mismatch"),
    ])
    func verifyFullRejectsANameTheCertificateDoesNotList(host: String, reason: String) throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let server = try OpenSSLServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        // Connected to 127.0.0.1 whatever the name checked.
        Self.expectUntrusted(reason) {
            try Self.connect(to: server, verification: .certificateAndHost(rootCertificates: pki.authority), host: host)
        }
    }

    @Test func verifyFullWithoutAHostFails() throws {
        let (fd, peer) = try TestSockets.pair()
        defer { close(peer) }
        #expect {
            _ = try TLSTransport(fd: fd, verification: .certificateAndHost(rootCertificates: nil), deadline: .inSeconds(5))
        } throws: { error in
            if case WireError.connectionFailed(let reason) = error { reason.contains("host") } else { false }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func missingRootFileFailsAndIsReadOnceItExists() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let missing = pki.directory.appendingPathComponent("later-ca.pem").path
        let (fd, peer) = try TestSockets.pair()
        defer { close(peer) }
        #expect {
            _ = try TLSTransport(fd: fd, verification: .certificate(rootCertificates: missing), deadline: .inSeconds(5))
        } throws: { error in
            if case WireError.connectionFailed(let reason) = error {
                reason.hasPrefix("TLS: cannot read root certificates \(missing): ")
            } else {
                false
            }
        }
        // The failure is not cached: once the file is there, it is used.
        try FileManager.default.copyItem(atPath: pki.authority, toPath: missing)
        let server = try OpenSSLServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        let transport = try Self.connect(to: server, verification: .certificate(rootCertificates: missing))
        defer { transport.close() }
        try Self.expectRoundTrip(transport)
    }

    @Test func aFileWithoutCertificatesFails() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let (fd, peer) = try TestSockets.pair()
        defer { close(peer) }
        // A private key is PEM, but no certificate.
        #expect {
            _ = try TLSTransport(fd: fd, verification: .certificate(rootCertificates: pki.serverKey), deadline: .inSeconds(5))
        } throws: { error in
            if case WireError.connectionFailed(let reason) = error { reason.hasPrefix("TLS: cannot read root certificates ") } else { false }
        }
    }

    private static func connect(to server: OpenSSLServer, verification: TLSVerification, host: String? = nil) throws -> TLSTransport {
        let fd = try Socket.connect(to: .tcp(host: "127.0.0.1", port: server.port), deadline: .inSeconds(10))
        return try TLSTransport(fd: fd, serverName: "localhost", verification: verification, host: host, deadline: .inSeconds(10))
    }

    /// A line goes through and comes back reversed (s_server -rev).
    private static func expectRoundTrip(_ transport: TLSTransport) throws {
        try transport.write(Array("hello\n".utf8), deadline: .inSeconds(10))
        var buffer: [UInt8] = []
        while !buffer.contains(UInt8(ascii: "\n")) { try transport.read(into: &buffer, deadline: .inSeconds(10)) }
        #expect(String(decoding: buffer, as: UTF8.self) == "olleh\n")
    }

    private static func expectUntrusted(_ reason: String? = nil, _ body: () throws -> TLSTransport) {
        #expect {
            _ = try body()
        } throws: { error in
            guard case WireError.connectionFailed(let text) = error else { return false }
            return text.hasPrefix("TLS: the server's certificate is not trusted: ") && (reason.map { text.hasSuffix($0) } ?? true)
        }
    }
}

/// `openssl s_server -rev` on a port of 127.0.0.1 the kernel picks, with a
/// fresh self-signed certificate.
final class OpenSSLServer {
    let port: Int
    private let process: Process
    private let directory: URL

    /// Serves `certificate` (a PEM file, with its `key`), or a fresh
    /// self-signed one for CN=localhost if nil.
    init(certificate givenCertificate: String? = nil, key givenKey: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key: String
        let certificate: String
        if let givenCertificate, let givenKey {
            (certificate, key) = (givenCertificate, givenKey)
        } else {
            key = directory.appendingPathComponent("key.pem").path
            certificate = directory.appendingPathComponent("cert.pem").path
            try Self.openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                "-keyout", key, "-out", certificate,
            ])
        }

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

    /// Runs the openssl CLI to its end (at most `seconds`); throws unless it succeeds.
    static func openssl(_ arguments: [String], seconds: Double = 30) throws {
        let process = try run(arguments)
        try waitForExit(process, seconds: seconds)
        guard process.terminationStatus == 0 else {
            throw TestSockets.Failure(description: "openssl \(arguments.first ?? "") failed (\(process.terminationStatus))")
        }
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

/// Certificates made with the openssl CLI in a temporary directory: a test
/// CA, a server certificate it signed for DNS:localhost and IP:127.0.0.1
/// (its CN names neither, so only the subjectAltName can match), and a
/// second CA that signed nothing here. EC keys: quick to make.
final class TestPKI {
    let directory: URL
    /// The test CA's certificate (PEM).
    let authority: String
    /// Another CA's certificate, unrelated to the server's.
    let unrelatedAuthority: String
    let serverCertificate: String
    let serverKey: String

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-pki-\(UUID().uuidString)")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        authority = path("ca.pem")
        unrelatedAuthority = path("other-ca.pem")
        serverCertificate = path("server.pem")
        serverKey = path("server-key.pem")
        do {
            let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            for (certificate, key, name) in [(authority, path("ca-key.pem"), "Strata Test CA"), (unrelatedAuthority, path("other-ca-key.pem"), "Unrelated CA")] {
                try OpenSSLServer.openssl(
                    ["req", "-x509"] + ecKey + [
                        "-subj", "/CN=\(name)", "-days", "1", "-keyout", key, "-out", certificate,
                        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                    ])
            }
            try OpenSSLServer.openssl(["req", "-new"] + ecKey + ["-subj", "/CN=Strata test server", "-keyout", serverKey, "-out", path("server.csr")])
            let extensions = path("server.ext")
            try Data(
                """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth
                subjectAltName = DNS:localhost, IP:127.0.0.1

                """.utf8
            ).write(to: URL(fileURLWithPath: extensions))
            try OpenSSLServer.openssl([
                "x509", "-req", "-in", path("server.csr"), "-CA", authority, "-CAkey", path("ca-key.pem"), "-set_serial", "2",
                "-days", "1", "-extfile", extensions, "-out", serverCertificate,
            ])
        } catch {
            remove()
            throw error
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
