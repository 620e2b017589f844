#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataAuth
import StrataModel

/// A DynamoDB client for `strata export` and `strata import` against a
/// running server: one keep-alive HTTP/1.1 connection over a plain socket
/// (the executable carries no HTTP library), requests signed with SigV4
/// when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set.
///
/// `@unchecked Sendable`: its connection is used by one call at a time.
/// `strata import` hands it to the one write task it keeps in flight, and
/// awaits that task before it starts the next.
final class APIClient: @unchecked Sendable {
    /// An error answer: DynamoDB's error type and message.
    struct Failure: Error, CustomStringConvertible {
        let type: String
        let message: String
        var description: String { "\(type): \(message)" }
    }

    private let host: String
    private let port: Int
    private var descriptor: Int32 = -1
    private var buffered: [UInt8] = []
    private let credentials: (key: String, secret: String, token: String?)?
    private let region: String

    /// `endpoint`: `http://HOST:PORT`.
    init(endpoint: String) throws {
        guard endpoint.hasPrefix("http://") else { throw UsageError("--endpoint takes http://HOST:PORT, not \(endpoint)") }
        let address = endpoint.dropFirst("http://".count).prefix { $0 != "/" }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw UsageError("--endpoint takes http://HOST:PORT, not \(endpoint)")
        }
        host = String(address[..<colon])
        self.port = port
        let environment = Configuration.environment
        if let key = environment("AWS_ACCESS_KEY_ID"), let secret = environment("AWS_SECRET_ACCESS_KEY") {
            credentials = (key, secret, environment("AWS_SESSION_TOKEN"))
        } else {
            credentials = nil
        }
        region = environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION") ?? "us-east-1"
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Calls `operation` with `body`; retries a throttled call after a pause.
    func call(_ operation: String, _ body: JSONValue) throws -> JSONValue {
        try call(operation, bytes: body.serialized)
    }

    /// The same with the body already written.
    func call(_ operation: String, bytes body: [UInt8]) throws -> JSONValue {
        var pause: UInt32 = 50_000
        while true {
            do {
                return try exchange(operation, body)
            } catch let failure as Failure where failure.type.hasSuffix("ThrottlingException") || failure.type.hasSuffix("ProvisionedThroughputExceededException") {
                usleep(pause)
                pause = min(pause * 2, 2_000_000)
            }
        }
    }

    private func exchange(_ operation: String, _ body: [UInt8]) throws -> JSONValue {
        var headers: [(name: String, value: String)] = [
            ("Host", "\(host):\(port)"), ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "DynamoDB_20120810.\(operation)"), ("Content-Length", String(body.count)),
        ]
        if let credentials {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let amzDate = AmzDate.format(Int(now.tv_sec))
            headers.append(("X-Amz-Date", amzDate))
            if let token = credentials.token { headers.append(("X-Amz-Security-Token", token)) }
            let scope = SigV4.Scope(date: String(amzDate.prefix(8)), region: region, service: "dynamodb")
            let request = SignedRequest(method: "POST", uri: "/", headers: headers, body: body)
            headers.append(("Authorization", SigV4.authorization(
                for: request, accessKey: credentials.key, secret: credentials.secret, amzDate: amzDate, scope: scope)))
        }
        var request = Array(("POST / HTTP/1.1\r\n" + headers.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n").utf8)
        request += body
        if descriptor < 0 { try openConnection() }
        do {
            try write(request)
            return try readAnswer()
        } catch is ConnectionLost {
            // The server closed an idle keep-alive connection: once more on a new one.
            close(descriptor)
            descriptor = -1
            try openConnection()
            try write(request)
            return try readAnswer()
        }
    }

    private struct ConnectionLost: Error {}

    private func openConnection() throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw Failure(type: "ConnectionError", message: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(found) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            let opened = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if opened >= 0, connect(opened, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                descriptor = opened
                buffered = []
                return
            }
            if opened >= 0 { close(opened) }
            candidate = address.pointee.ai_next
        }
        throw Failure(type: "ConnectionError", message: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw ConnectionLost() }
            offset += sent
        }
    }

    /// Reads more bytes into the buffer; throws if the connection closed.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ConnectionLost() }
        buffered += chunk[0..<count]
    }

    private func readAnswer() throws -> JSONValue {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            try fill()
            headEnd = buffered.firstRange(of: separator)?.lowerBound
        }
        let head = String(decoding: buffered[0..<headEnd!], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let length = lines.dropFirst().first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst("content-length:".count).trimmingPrefix(" ")) } ?? 0
        let start = headEnd! + separator.count
        while buffered.count < start + length { try fill() }
        let body = Array(buffered[start..<start + length])
        buffered.removeFirst(start + length)
        let json = (try? JSONParser.parse(body)) ?? .null
        guard status == 200 else {
            guard case .object(let error) = json, case .string(let type)? = error["__type"] else {
                throw Failure(type: "HTTP \(status)", message: String(decoding: body, as: UTF8.self))
            }
            var message = ""
            if case .string(let text)? = error["message"] ?? error["Message"] { message = text }
            throw Failure(type: String(type.split(separator: "#").last ?? Substring(type)), message: message)
        }
        return json
    }
}
