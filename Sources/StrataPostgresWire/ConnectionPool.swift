import StrataThreads
import Synchronization

/// At most `maximumConnections` sessions, opened when first needed and
/// kept. A use that finds every session busy waits, suspended, for one to
/// come back; a session that broke is dropped, and its slot opens a new one
/// at the next use, so the pool recovers by itself when the database does.
///
/// A single statement outside a transaction (`run`) that finds every
/// session busy waits in line too, and the session that comes back takes it
/// together with the statements waiting then (within `pipelineDepth` and
/// `pipelineBytes`), in one pipeline: under load the database reads many
/// statements per wake-up, and we send them in one write (Benchmarks/README,
/// PostgreSQL engine).
///
/// Sessions are opened on a thread of their own (connecting blocks until
/// the database answers). With an `executor`, each session is watched by
/// one of its loops and its calls suspend; without one, they block.
public final class ConnectionPool: Sendable {
    public let settings: ConnectionSettings
    public let maximumConnections: Int
    private let executor: DatabaseExecutor?
    private let state: Mutex<State>

    private struct State {
        var idle: [PostgresConnection] = []
        /// Sessions open or being opened.
        var open = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Handover, any Error>)] = []
        /// Statements waiting for a pipeline; ids and `waiters`' come from one count, in arrival order.
        var statements: [QueuedStatement] = []
        var nextWaiter = 0
        var closed = false
    }

    /// What a waiter is given: a session, or a free slot to open one in.
    private enum Handover: @unchecked Sendable {
        case connection(PostgresConnection)
        case slot
    }

    /// A statement in line for a pipeline.
    private struct QueuedStatement: @unchecked Sendable {
        let id: Int
        let statement: PipelinedStatement
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<StatementHandover, any Error>
    }

    /// What a statement in line is given: a session to send it on, with
    /// the statements queued behind it; or a free slot; or, sent in the
    /// pipeline another statement led, the session with its answer next to
    /// read (and the statements after it). A session that broke is thrown.
    private enum StatementHandover: @unchecked Sendable {
        case lead(PostgresConnection, followers: [QueuedStatement])
        case slot
        case answerNext(PostgresConnection, after: ArraySlice<QueuedStatement>)
    }

    /// Statements one pipeline takes at most.
    static let pipelineDepth = 32
    /// Bytes the statements behind a pipeline's first may hold together.
    /// A pipeline goes out in one write that nothing reads from meanwhile:
    /// if it outgrew the sockets' buffers, the write would wait for the
    /// database to read, while the database waits for us to read its
    /// answers to the statements before (large items: a GetItem of 40 KB
    /// each), and neither would move until the deadline.
    static let pipelineBytes = 64 * 1024

    public init(settings: ConnectionSettings, maximumConnections: Int, executor: DatabaseExecutor? = nil) {
        precondition(maximumConnections > 0, "a pool needs a connection")
        self.settings = settings
        self.executor = executor
        self.maximumConnections = maximumConnections
        state = Mutex(State())
    }

    /// Runs `body` with a session whose every call ends by `deadline`.
    public func withConnection<T>(
        deadline: ContinuousClock.Instant, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire(deadline: deadline)
        connection.deadline = deadline
        defer { release(connection) }
        return try await body(connection)
    }

    /// Statements in line for a session.
    public var statementsWaiting: Int {
        state.withLock { $0.statements.count }
    }

    /// Runs one statement outside any transaction, on an idle session, or
    /// in the pipeline of the next session to come back; returns its rows.
    /// Its error is its own, whatever the other statements of the pipeline
    /// do; a session that breaks fails each statement it had not answered.
    public func run(_ statement: PipelinedStatement, deadline: ContinuousClock.Instant) async throws -> [PostgresRow] {
        let handover: StatementHandover = try await waitInLine(
            atOnce: { found in
                switch found {
                case .connection(let connection): .lead(connection, followers: [])
                case .slot: .slot
                }
            },
            join: { state, id, continuation in
                state.statements.append(QueuedStatement(id: id, statement: statement, deadline: deadline, continuation: continuation))
            },
            leave: { state, id in state.statements.firstIndex { $0.id == id }.map { state.statements.remove(at: $0).continuation } })
        switch handover {
        case .slot: return try await lead(statement, on: try await openInSlot(deadline: deadline), deadline: deadline, followers: [])
        case .lead(let connection, let followers): return try await lead(statement, on: connection, deadline: deadline, followers: followers)
        case .answerNext(let connection, let after): return try await readAnswer(on: connection, then: after)
        }
    }

    /// Sends `statement` and its followers' in one pipeline on `connection`,
    /// then reads its own answer.
    private func lead(
        _ statement: PipelinedStatement, on connection: PostgresConnection, deadline: ContinuousClock.Instant, followers: [QueuedStatement]
    ) async throws -> [PostgresRow] {
        connection.deadline = followers.map(\.deadline).reduce(deadline, min)
        do {
            try connection.send([statement] + followers.map(\.statement))
        } catch {
            release(connection)
            for follower in followers { follower.continuation.resume(throwing: error) }
            throw error
        }
        return try await readAnswer(on: connection, then: followers[...])
    }

    /// Reads the next answer of `connection`'s pipeline, then hands the
    /// session to the statement whose answer follows (`after`), or back
    /// to the pool: each statement's task reads its own answer and goes
    /// on as soon as it has it.
    private func readAnswer(on connection: PostgresConnection, then after: ArraySlice<QueuedStatement>) async throws -> [PostgresRow] {
        let answer: Result<[PostgresRow], ServerError>
        do {
            answer = try await connection.nextAnswer()
        } catch {
            release(connection)
            for follower in after { follower.continuation.resume(throwing: error) }
            throw error
        }
        if let next = after.first {
            next.continuation.resume(returning: .answerNext(connection, after: after.dropFirst()))
        } else {
            release(connection)
        }
        return try answer.get()
    }

    /// Opens sessions, side by side, until the pool holds
    /// `maximumConnections`, so that the first requests do not wait for
    /// them; returns when every attempt has ended (one that fails leaves
    /// its slot to the next use).
    public func openAll(deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            while state.withLock({ state -> Bool in
                guard !state.closed, state.open < maximumConnections else { return false }
                state.open += 1
                return true
            }) {
                group.addTask {
                    if let connection = try? await self.openInSlot(deadline: deadline) { self.release(connection) }
                }
            }
        }
    }

    /// Closes the idle sessions and refuses new uses; sessions in use close when they come back.
    public func close() {
        let (idle, waiters, statements) = state.withLock { state in
            state.closed = true
            state.open -= state.idle.count
            defer { state.idle = []; state.waiters = []; state.statements = [] }
            return (state.idle, state.waiters, state.statements)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.continuation.resume(throwing: WireError.connectionLost("the pool is closed")) }
        for queued in statements { queued.continuation.resume(throwing: WireError.connectionLost("the pool is closed")) }
    }

    /// A session: an idle one, else a new one in a free slot, else the
    /// next one that comes back (or a slot that frees up).
    private func acquire(deadline: ContinuousClock.Instant) async throws -> PostgresConnection {
        let handover: Handover = try await waitInLine(
            atOnce: { $0 },
            join: { state, id, continuation in state.waiters.append((id, continuation)) },
            leave: { state, id in state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0).continuation } })
        switch handover {
        case .connection(let connection): return connection
        case .slot: return try await openInSlot(deadline: deadline)
        }
    }

    /// Waits, suspended, in one of the pool's lines for what it hands over.
    /// Under one lock: a closed pool or a cancelled task fails at once; an
    /// idle session, or a free slot (then counted in `open`), is taken at
    /// once (`atOnce`); else `join` puts the continuation in its line, where
    /// `leave` finds it if the task is cancelled before its turn. The choice
    /// and the queueing are one step, so no session comes back unseen
    /// between them.
    private func waitInLine<Given: Sendable>(
        atOnce: (Handover) -> Given,
        join: (inout State, Int, CheckedContinuation<Given, any Error>) -> Void,
        leave: @escaping @Sendable (inout State, Int) -> CheckedContinuation<Given, any Error>?
    ) async throws -> Given {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Given, any Error>) in
                let decided = state.withLock { state -> Result<Given, any Error>? in
                    if state.closed { return .failure(WireError.connectionLost("the pool is closed")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let connection = state.idle.popLast() { return .success(atOnce(.connection(connection))) }
                    if state.open < maximumConnections {
                        state.open += 1
                        return .success(atOnce(.slot))
                    }
                    join(&state, id, continuation)
                    return nil
                }
                if let decided { continuation.resume(with: decided) }
            }
        } onCancel: {
            state.withLock { leave(&$0, id) }?.resume(throwing: CancellationError())
        }
    }

    /// Opens a session in a slot already counted in `open`; gives the slot up if that fails.
    private func openInSlot(deadline: ContinuousClock.Instant) async throws -> PostgresConnection {
        do {
            let settings = settings
            let connection = try await DetachedThread.run(name: "strata-connect") { try PostgresConnection.connect(settings, deadline: deadline) }
            if let executor { connection.attach(to: executor.loopForNewConnection()) }
            return connection
        } catch {
            freeSlot()
            throw error
        }
    }

    /// Who a session or a slot that came free goes to: the use that has
    /// waited longest, or the statements in line if the first of them came
    /// before it.
    private enum Next {
        case waiter(CheckedContinuation<Handover, any Error>)
        case statements(leader: QueuedStatement, followers: [QueuedStatement])
        case nobody
    }

    /// Takes the next in line out of `state`: with `pipelining`, the
    /// statements in line at once, up to `pipelineDepth` and with those
    /// behind the first within `pipelineBytes`.
    private static func next(in state: inout State, pipelining: Bool) -> Next {
        let (waiter, statement) = (state.waiters.first?.id ?? .max, state.statements.first?.id ?? .max)
        if waiter == .max, statement == .max { return .nobody }
        if waiter < statement { return .waiter(state.waiters.removeFirst().continuation) }
        var (taken, bytes) = (1, 0)
        while pipelining, taken < min(state.statements.count, pipelineDepth) {
            bytes += state.statements[taken].statement.size
            guard bytes <= pipelineBytes else { break }
            taken += 1
        }
        let line = state.statements.prefix(taken)
        state.statements.removeFirst(taken)
        return .statements(leader: line.first!, followers: Array(line.dropFirst()))
    }

    private func release(_ connection: PostgresConnection) {
        // A session left inside a transaction (its ROLLBACK failed) is not reused.
        guard !connection.isBroken, connection.transactionStatus == UInt8(ascii: "I") else {
            connection.close()
            freeSlot()
            return
        }
        // Nil: the pool is closed.
        let next = state.withLock { state -> Next? in
            if state.closed {
                state.open -= 1
                return nil
            }
            let next = Self.next(in: &state, pipelining: true)
            if case .nobody = next { state.idle.append(connection) }
            return next
        }
        switch next {
        case nil: connection.close()
        case .nobody?: break
        case .waiter(let waiter)?: waiter.resume(returning: .connection(connection))
        case .statements(let leader, let followers)?: leader.continuation.resume(returning: .lead(connection, followers: followers))
        }
    }

    /// A slot came free: the first in line may open a session in it.
    private func freeSlot() {
        let next = state.withLock { state -> Next in
            let next = state.closed ? .nobody : Self.next(in: &state, pipelining: false)
            if case .nobody = next { state.open -= 1 }
            return next
        }
        switch next {
        case .nobody: break
        case .waiter(let waiter): waiter.resume(returning: .slot)
        case .statements(let leader, _): leader.continuation.resume(returning: .slot)
        }
    }
}
