/// One session with the database, used by one task at a time (the pool
/// hands it over under its lock). A statement is one round trip: its
/// messages go out in one write, up to Sync. Attached to a loop of a
/// `DatabaseExecutor`, a call suspends until the answer or `deadline`;
/// else (start-up, tests) it blocks its thread.
///
/// A `ServerError` leaves the connection usable. A `WireError` breaks it
/// (`isBroken`): it is closed, and what the database did is unknown.
public final class PostgresConnection: @unchecked Sendable {
    let transport: any Transport
    var reader = MessageReader()
    var writer = MessageWriter()
    /// Statements parsed once under a name of their own, by SQL text.
    private var prepared: [String: PreparedStatement] = [:]
    /// Names are never reused: a statement dropped from `prepared` may still exist on the server.
    private var statementsNamed = 0
    /// When the current use must have its answer.
    public var deadline: ContinuousClock.Instant
    public private(set) var isBroken = false
    /// The loop that watches the socket, once attached.
    private var loop: DatabaseLoop?
    /// `I` idle, `T` in a transaction, `E` in a failed transaction (ReadyForQuery).
    public private(set) var transactionStatus = UInt8(ascii: "I")
    /// The server's run-time parameters (ParameterStatus), such as `server_version`.
    public private(set) var serverParameters: [String: String] = [:]
    /// Parse messages in `writer`, and whether every Parse of the last
    /// exchange succeeded (a ParseComplete each).
    private var queuedParses = 0
    private var parsedInLastExchange = false
    /// Pipelined statements (`send`) whose answers are still to be read, in order.
    private var unanswered: [Unanswered] = []
    /// Nothing of the pipeline's answers has been read yet.
    private var answerJustSent = false

    private struct Unanswered {
        let sql: String
        /// Nil: its RowDescription comes with the answer.
        let resultTypes: [UInt32]?
        /// The name it is parsed under in this pipeline, if it is.
        let parsedAs: String?
    }

    private struct PreparedStatement {
        let name: String
        /// Result column types; empty for a statement that returns no rows.
        let resultTypes: [UInt32]
    }

    init(transport: any Transport, deadline: ContinuousClock.Instant) {
        self.transport = transport
        self.deadline = deadline
    }

    deinit {
        transport.close()
    }

    /// Queues `sql` (a statement without parameters or rows, such as
    /// START TRANSACTION) to go out with the next statement, in its round
    /// trip. Its error, if any, is that statement's.
    public func queue(_ sql: String) {
        parse(sql, named: "", types: [])
        bind(PostgresBindings(), statement: "")
        executePortal()
    }

    /// Runs `sql` with `bindings` ($1, $2 …) as an unnamed statement; returns its rows.
    public func query(_ sql: String, _ bindings: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        parse(sql, named: "", types: bindings.types)
        bind(bindings, statement: "")
        describePortal()
        execute()
        return try await exchange(resultTypes: nil)
    }

    /// Runs `sql` as a statement this connection parses and plans once,
    /// the first time, and only binds afterwards.
    public func execute(prepared sql: String, _ bindings: PostgresBindings) async throws -> [PostgresRow] {
        if let statement = prepared[sql] {
            bind(bindings, statement: statement.name)
            execute()
            do {
                return try await exchange(resultTypes: statement.resultTypes)
            } catch let error as ServerError where Self.lostStatement.contains(error.sqlState) {
                // The server lost the statement (DISCARD ALL, a pooler) or its
                // plan no longer fits the tables: it is parsed again next time.
                prepared[sql] = nil
                throw error
            }
        }
        statementsNamed += 1
        let name = "s\(statementsNamed)"
        parse(sql, named: name, types: bindings.types)
        writer.message(UInt8(ascii: "D")) { $0.append(UInt8(ascii: "S")); $0.appendCString(name) }
        bind(bindings, statement: name)
        execute()
        var described: [UInt32] = []
        // Once parsed, the name is taken, even if the statement then failed.
        defer { if parsedInLastExchange { prepared[sql] = PreparedStatement(name: name, resultTypes: described) } }
        return try await exchange(resultTypes: nil, described: &described)
    }

    /// Runs `sql` (one or more statements, no parameters) with the simple
    /// protocol, for transaction control and schema changes.
    public func simpleQuery(_ sql: String) async throws {
        if !writer.bytes.isEmpty {
            // What was queued goes first, in a round trip of its own.
            writer.message(UInt8(ascii: "S")) { _ in }
            _ = try await exchange(resultTypes: nil)
        }
        writer.message(UInt8(ascii: "Q")) { $0.appendCString(sql) }
        _ = try await exchange(resultTypes: nil)
    }

    /// Sends `statements` as a pipeline: in one write, each prepared as
    /// `execute(prepared:)` does and each with a Sync of its own, so that
    /// each runs and commits as if it were alone, and a statement's error
    /// is its own (the server skips only to its Sync). `nextAnswer` then
    /// reads their answers, in order, one call each.
    public func send(_ statements: [PipelinedStatement]) throws {
        guard !isBroken else { throw WireError.connectionLost("the connection was closed after an earlier failure") }
        guard writer.bytes.isEmpty, unanswered.isEmpty else {
            // A use that left something behind: the session's state is unknown.
            markBroken()
            throw WireError.protocolViolation("a pipeline must start on a connection at rest")
        }
        // Statements first parsed in this pipeline, by SQL: later ones bind to the same name.
        var parsedHere: [String: String] = [:]
        for statement in statements {
            if let known = prepared[statement.sql] {
                bind(statement.bindings, statement: known.name)
                unanswered.append(Unanswered(sql: statement.sql, resultTypes: known.resultTypes, parsedAs: nil))
            } else if let name = parsedHere[statement.sql] {
                bind(statement.bindings, statement: name)
                describePortal()
                unanswered.append(Unanswered(sql: statement.sql, resultTypes: nil, parsedAs: nil))
            } else {
                statementsNamed += 1
                let name = "s\(statementsNamed)"
                parse(statement.sql, named: name, types: statement.bindings.types)
                parsedHere[statement.sql] = name
                bind(statement.bindings, statement: name)
                describePortal()
                unanswered.append(Unanswered(sql: statement.sql, resultTypes: nil, parsedAs: name))
            }
            execute()
        }
        queuedParses = 0
        defer { writer.reset() }
        do {
            try transport.write(writer.bytes, deadline: deadline)
        } catch {
            unanswered = []
            markBroken()
            throw error
        }
        answerJustSent = true
    }

    /// The answer to the first statement `send` sent that has none yet:
    /// its rows, or its error. A `WireError` breaks the connection and
    /// leaves that statement and the ones after it unknown.
    public func nextAnswer() async throws -> Result<[PostgresRow], ServerError> {
        guard !isBroken else { throw WireError.connectionLost("the connection was closed after an earlier failure") }
        guard !unanswered.isEmpty else { throw WireError.protocolViolation("no statement sent awaits an answer") }
        let statement = unanswered.removeFirst()
        var answer = Answer()
        do {
            try await readAnswer(types: statement.resultTypes, justSent: answerJustSent, into: &answer)
        } catch let error as WireError {
            unanswered = []
            markBroken()
            throw answer.failure ?? error
        }
        answerJustSent = false
        if let name = statement.parsedAs, answer.parses == 1 {
            prepared[statement.sql] = PreparedStatement(name: name, resultTypes: answer.described ?? [])
        }
        guard let failure = answer.failure else { return .success(answer.rows) }
        if Self.lostStatement.contains(failure.sqlState) { prepared[statement.sql] = nil }
        return .failure(failure)
    }

    /// From now on `loop` watches the socket, and calls suspend instead of blocking.
    func attach(to loop: DatabaseLoop) {
        self.loop = loop
        loop.watch(transport.descriptor)
    }

    /// Ends the session politely, then closes the socket.
    public func close() {
        if !isBroken {
            writer.reset()
            writer.message(UInt8(ascii: "X")) { _ in }
            try? transport.write(writer.bytes, deadline: ContinuousClock.now.advanced(by: .milliseconds(100)))
        }
        markBroken()
    }

    /// The server lost a prepared statement (DISCARD ALL, a pooler) or its
    /// plan no longer fits the tables.
    private static let lostStatement: Set<String> = ["26000", "0A000"]

    // MARK: Messages

    private func parse(_ sql: String, named name: String, types: [UInt32]) {
        queuedParses += 1
        writer.message(UInt8(ascii: "P")) { body in
            body.appendCString(name)
            body.appendCString(sql)
            body.appendBigEndian(UInt16(types.count))
            for type in types { body.appendBigEndian(type) }
        }
    }

    /// Binds every parameter, and asks for every result column, in binary.
    private func bind(_ bindings: PostgresBindings, statement: String) {
        writer.message(UInt8(ascii: "B")) { body in
            body.appendCString("")
            body.appendCString(statement)
            body.appendBigEndian(Int16(1))
            body.appendBigEndian(Int16(1))
            body.appendBigEndian(UInt16(bindings.count))
            body.append(contentsOf: bindings.values)
            body.appendBigEndian(Int16(1))
            body.appendBigEndian(Int16(1))
        }
    }

    /// Asks for the unnamed portal's RowDescription.
    private func describePortal() {
        writer.message(UInt8(ascii: "D")) { $0.append(UInt8(ascii: "P")); $0.appendCString("") }
    }

    /// Execute the unnamed portal, then Sync: the end of a round trip.
    private func execute() {
        executePortal()
        writer.message(UInt8(ascii: "S")) { _ in }
    }

    private func executePortal() {
        writer.message(UInt8(ascii: "E")) { $0.appendCString(""); $0.appendBigEndian(Int32(0)) }
    }

    private func exchange(resultTypes: [UInt32]?) async throws -> [PostgresRow] {
        var described: [UInt32] = []
        return try await exchange(resultTypes: resultTypes, described: &described)
    }

    /// Sends what `writer` holds and reads up to ReadyForQuery. Rows are
    /// typed by `resultTypes`, or by the RowDescription that arrives
    /// (also stored in `described`).
    private func exchange(resultTypes known: [UInt32]?, described: inout [UInt32]) async throws -> [PostgresRow] {
        guard !isBroken else { throw WireError.connectionLost("the connection was closed after an earlier failure") }
        var answer = Answer()
        do {
            defer { writer.reset() }
            try transport.write(writer.bytes, deadline: deadline)
            try await readAnswer(types: known, justSent: true, into: &answer)
        } catch let error as WireError {
            (queuedParses, parsedInLastExchange) = (0, false)
            markBroken()
            // A FATAL error, then the end of the connection: the error says why.
            throw answer.failure ?? error
        }
        parsedInLastExchange = answer.parses == queuedParses
        queuedParses = 0
        if let types = answer.described { described = types }
        if let failure = answer.failure { throw failure }
        return answer.rows
    }

    /// What the server answered to one Sync's worth of messages.
    private struct Answer {
        var rows: [PostgresRow] = []
        var failure: ServerError?
        /// ParseCompletes.
        var parses = 0
        /// The result types a RowDescription gave, if one came.
        var described: [UInt32]?
    }

    /// Reads up to the next ReadyForQuery into `answer`.
    private func readAnswer(types known: [UInt32]?, justSent: Bool, into answer: inout Answer) async throws {
        var types = known ?? []
        // Nothing of the answer can have been read yet: wait before trying.
        var justSent = justSent
        while true {
            let (type, body) = try await nextMessage(justSent: justSent)
            justSent = false
            switch type {
            case UInt8(ascii: "D"):
                answer.rows.append(try Self.row(reader.buffer, body, types: types))
            case UInt8(ascii: "T"):
                types = try Self.columnTypes(reader.buffer, body)
                answer.described = types
            case UInt8(ascii: "Z"):
                var cursor = BodyCursor(reader.buffer, body)
                transactionStatus = try cursor.byte()
                return
            case UInt8(ascii: "E"):
                answer.failure = try Self.serverError(reader.buffer, body)
            case UInt8(ascii: "1"):
                answer.parses += 1
            case UInt8(ascii: "2"), UInt8(ascii: "C"), UInt8(ascii: "n"), UInt8(ascii: "I"),
                UInt8(ascii: "t"), UInt8(ascii: "N"), UInt8(ascii: "A"), UInt8(ascii: "s"):
                // BindComplete, CommandComplete, NoData, EmptyQueryResponse,
                // ParameterDescription, a notice, a notification, PortalSuspended: nothing to keep.
                continue
            case UInt8(ascii: "S"):
                try noteParameter(reader.buffer, body)
            default:
                throw WireError.protocolViolation("unexpected message \(Character(Unicode.Scalar(type)))")
            }
        }
    }

    func markBroken() {
        isBroken = true
        if let loop, transport.descriptor >= 0 { loop.unwatch(transport.descriptor) }
        transport.close()
    }

    /// The next whole message, read as the socket delivers it.
    private func nextMessage(justSent: Bool) async throws -> (type: UInt8, body: Range<Int>) {
        var waitFirst = justSent
        while true {
            if let message = try reader.nextBuffered() { return message }
            guard let loop else {
                try transport.read(into: &reader.buffer, deadline: deadline)
                continue
            }
            if !waitFirst, try transport.readIfReady(into: &reader.buffer, deadline: deadline) { continue }
            waitFirst = false
            try await loop.waitReadable(transport.descriptor, deadline: deadline)
        }
    }

    func noteParameter(_ buffer: [UInt8], _ body: Range<Int>) throws(WireError) {
        var cursor = BodyCursor(buffer, body)
        let name = try cursor.cString()
        serverParameters[name] = try cursor.cString()
    }

    static func columnTypes(_ buffer: [UInt8], _ body: Range<Int>) throws(WireError) -> [UInt32] {
        var cursor = BodyCursor(buffer, body)
        let count = Int(UInt16(bitPattern: try cursor.int16()))
        var types: [UInt32] = []
        types.reserveCapacity(count)
        for _ in 0..<count {
            _ = try cursor.cString()
            _ = try cursor.int32()
            _ = try cursor.int16()
            types.append(UInt32(bitPattern: try cursor.int32()))
            _ = try cursor.int16()
            _ = try cursor.int32()
            _ = try cursor.int16()
        }
        return types
    }

    static func row(_ buffer: [UInt8], _ body: Range<Int>, types: [UInt32]) throws(WireError) -> PostgresRow {
        let data = Array(buffer[body])
        var cursor = BodyCursor(data, data.indices)
        let count = Int(UInt16(bitPattern: try cursor.int16()))
        guard count == types.count else { throw .protocolViolation("a row of \(count) columns where \(types.count) were described") }
        var columns: [Range<Int>?] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            let length = Int(try cursor.int32())
            columns.append(length < 0 ? nil : try cursor.range(length))
        }
        return PostgresRow(types: types, data: data, columns: columns)
    }

    static func serverError(_ buffer: [UInt8], _ body: Range<Int>) throws(WireError) -> ServerError {
        var cursor = BodyCursor(buffer, body)
        var fields: [UInt8: String] = [:]
        while true {
            let code = try cursor.byte()
            if code == 0 { break }
            fields[code] = try cursor.cString()
        }
        return ServerError(fields: fields)
    }
}
