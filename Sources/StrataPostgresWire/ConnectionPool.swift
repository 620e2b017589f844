import StrataThreads
import Synchronization

/// At most `maximumConnections` sessions, opened when first needed and
/// kept. A use that finds every session busy waits, suspended, for one to
/// come back; a session that broke is dropped, and its slot opens a new one
/// at the next use, so the pool recovers by itself when the database does.
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
        var nextWaiter = 0
        var closed = false
    }

    /// What a waiter is given: a session, or a free slot to open one in.
    private enum Handover: @unchecked Sendable {
        case connection(PostgresConnection)
        case slot
    }

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
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            state.open -= state.idle.count
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.continuation.resume(throwing: WireError.connectionLost("the pool is closed")) }
    }

    /// A session: an idle one, else a new one in a free slot, else the
    /// next one that comes back (or a slot that frees up). The choice and
    /// the queueing happen under one lock, so no session can come back
    /// between them unseen.
    private func acquire(deadline: ContinuousClock.Instant) async throws -> PostgresConnection {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let handover = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Handover, any Error>) in
                let decided = state.withLock { state -> Result<Handover, any Error>? in
                    if state.closed { return .failure(WireError.connectionLost("the pool is closed")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let connection = state.idle.popLast() { return .success(.connection(connection)) }
                    if state.open < maximumConnections {
                        state.open += 1
                        return .success(.slot)
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let decided { continuation.resume(with: decided) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        switch handover {
        case .connection(let connection): return connection
        case .slot: return try await openInSlot(deadline: deadline)
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

    private enum Return {
        case handedOver(CheckedContinuation<Handover, any Error>)
        case parked
        case closed
    }

    private func release(_ connection: PostgresConnection) {
        // A session left inside a transaction (its ROLLBACK failed) is not reused.
        guard !connection.isBroken, connection.transactionStatus == UInt8(ascii: "I") else {
            connection.close()
            freeSlot()
            return
        }
        let outcome = state.withLock { state -> Return in
            if state.closed {
                state.open -= 1
                return .closed
            }
            guard !state.waiters.isEmpty else {
                state.idle.append(connection)
                return .parked
            }
            return .handedOver(state.waiters.removeFirst().continuation)
        }
        switch outcome {
        case .handedOver(let waiter): waiter.resume(returning: .connection(connection))
        case .parked: break
        case .closed: connection.close()
        }
    }

    /// A slot came free: the first waiter may open a session in it.
    private func freeSlot() {
        let waiter = state.withLock { state -> CheckedContinuation<Handover, any Error>? in
            guard !state.closed, !state.waiters.isEmpty else {
                state.open -= 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: .slot)
    }
}
