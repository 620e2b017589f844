extension PostgresConnection {
    /// Opens a session: connects, asks for TLS if required, starts up and
    /// authenticates (trust, cleartext, MD5 or SCRAM-SHA-256), and waits
    /// until the database is ready for queries.
    public static func connect(_ settings: ConnectionSettings, deadline: ContinuousClock.Instant) throws -> PostgresConnection {
        let socket = SocketTransport(fd: try Socket.connect(to: settings.endpoint, deadline: deadline))
        let transport: any Transport = if let verification = settings.tls {
            try negotiateTLS(over: socket, endpoint: settings.endpoint, verification: verification, deadline: deadline)
        } else {
            socket
        }
        let connection = PostgresConnection(transport: transport, deadline: deadline)
        do {
            try connection.startUp(settings)
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// SSLRequest; the server answers one byte, `S` to go on in TLS.
    private static func negotiateTLS(
        over plain: SocketTransport, endpoint: Endpoint, verification: TLSVerification, deadline: ContinuousClock.Instant
    ) throws(WireError) -> any Transport {
        var writer = MessageWriter()
        writer.untyped { $0.appendBigEndian(Int32(80_877_103)) }
        try plain.write(writer.bytes, deadline: deadline)
        var reader = MessageReader()
        guard try reader.byte(from: plain, deadline: deadline) == UInt8(ascii: "S") else {
            plain.close()
            throw .connectionFailed("the database does not accept TLS (sslmode=require)")
        }
        // The host's name for SNI, as libpq sends it; none for an address.
        // The host as given is also what verify-full checks the
        // certificate against; a Unix socket has none, so there only the
        // chain is checked, as verify-ca. (libpq never asks for TLS over a
        // Unix socket; this client does if told to.)
        var serverName: String?
        var host: String?
        var verification = verification
        switch endpoint {
        case .tcp(let name, _):
            host = name
            if name.contains(where: \.isLetter), !name.contains(":") { serverName = name }
        case .socket:
            if case .certificateAndHost(let roots) = verification { verification = .certificate(rootCertificates: roots) }
        }
        return try TLSTransport(
            fd: plain.releaseSocket(), serverName: serverName, verification: verification, host: host, deadline: deadline)
    }

    private func startUp(_ settings: ConnectionSettings) throws {
        writer.reset()
        writer.untyped { body in
            body.appendBigEndian(Int32(196_608))  // protocol 3.0
            // Text both ways is UTF-8, whatever the database's or role's default.
            body.appendCString("client_encoding")
            body.appendCString("UTF8")
            body.appendCString("user")
            body.appendCString(settings.user)
            if let database = settings.database {
                body.appendCString("database")
                body.appendCString(database)
            }
            for (name, value) in settings.parameters {
                body.appendCString(name)
                body.appendCString(value)
            }
            body.append(0)
        }
        try send()
        var scram: SCRAMClient?
        var scramVerified = false
        while true {
            let (type, body) = try receive()
            switch type {
            case UInt8(ascii: "R"):
                var cursor = BodyCursor(reader.buffer, body)
                let request = try cursor.int32()
                let rest = Array(cursor.rest())
                if request == 0, scram != nil, !scramVerified {
                    throw WireError.authentication("the server accepted SCRAM without proving it knows the password")
                }
                try answerAuthentication(request, rest, settings: settings, scram: &scram)
                if request == 12 { scramVerified = true }
            case UInt8(ascii: "S"):
                try noteParameter(reader.buffer, body)
            case UInt8(ascii: "K"), UInt8(ascii: "N"):
                continue  // BackendKeyData (for cancel requests, which Strata does not send), a notice
            case UInt8(ascii: "E"):
                let error = try Self.serverError(reader.buffer, body)
                // 28P01 wrong password, 28000 no such role or not allowed by pg_hba.
                throw error.sqlState.hasPrefix("28") ? WireError.authentication(error.message) : error
            case UInt8(ascii: "Z"):
                guard serverParameters["client_encoding"]?.uppercased() == "UTF8" else {
                    throw WireError.protocolViolation("the session's encoding is \(serverParameters["client_encoding"] ?? "unknown"), not UTF8")
                }
                return
            default:
                throw WireError.protocolViolation("unexpected message \(Character(Unicode.Scalar(type))) during start-up")
            }
        }
    }

    private func answerAuthentication(_ request: Int32, _ data: [UInt8], settings: ConnectionSettings, scram: inout SCRAMClient?) throws {
        func password() throws(WireError) -> String {
            guard let password = settings.password else { throw .authentication("the database asks for a password, and the URL has none") }
            return password
        }
        writer.reset()
        switch request {
        case 0:
            return  // AuthenticationOk
        case 3:  // cleartext
            let password = try password()
            writer.message(UInt8(ascii: "p")) { $0.appendCString(password) }
        case 5:  // MD5, with a 4-byte salt
            guard data.count == 4 else { throw WireError.protocolViolation("an MD5 request without its salt") }
            let response = MD5Password.response(user: settings.user, password: try password(), salt: data)
            writer.message(UInt8(ascii: "p")) { $0.append(contentsOf: response); $0.append(0) }
        case 10:  // SASL: the mechanisms offered, each NUL-terminated
            let mechanisms = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard mechanisms.contains("SCRAM-SHA-256") else {
                throw WireError.authentication("the database offers \(mechanisms.joined(separator: ", ")), not SCRAM-SHA-256")
            }
            let client = SCRAMClient(password: try password())
            scram = client
            writer.message(UInt8(ascii: "p")) { body in
                body.appendCString("SCRAM-SHA-256")
                body.appendBigEndian(Int32(client.clientFirstMessage.count))
                body.append(contentsOf: client.clientFirstMessage)
            }
        case 11:  // SASLContinue: the server-first message
            guard var client = scram else { throw WireError.protocolViolation("SASLContinue before SASL") }
            let final = try client.clientFinalMessage(serverFirst: data)
            scram = client
            writer.message(UInt8(ascii: "p")) { $0.append(contentsOf: final) }
        case 12:  // SASLFinal: the server's signature
            guard let client = scram else { throw WireError.protocolViolation("SASLFinal before SASL") }
            try client.verify(serverFinal: data)
            return
        default:
            throw WireError.authentication("the database asks for authentication method \(request), which Strata does not support")
        }
        try send()
    }

    private func send() throws(WireError) {
        do {
            try transport.write(writer.bytes, deadline: deadline)
        } catch {
            markBroken()
            throw error
        }
    }

    private func receive() throws(WireError) -> (type: UInt8, body: Range<Int>) {
        do {
            return try reader.next(from: transport, deadline: deadline)
        } catch {
            markBroken()
            throw error
        }
    }
}
