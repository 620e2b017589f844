import StrataModel
import Synchronization

/// The reader connections of one partition: at most `capacity` open, each
/// used by one read at a time. A read that finds none free waits, without
/// holding a thread, until another read hands its connection over.
final class ReaderPool: Sendable {
    /// What a waiting read is handed.
    private enum Grant {
        case connection(SQLiteConnection)
        /// A slot under the cap: open a connection of your own.
        case openNew
    }

    private struct State {
        var idle: [SQLiteConnection] = []
        var opened = 0
        var peakOpened = 0
        var waiters: [CheckedContinuation<Grant, any Error>] = []
        var closed = false
    }

    let capacity: Int
    private let open: @Sendable () throws -> SQLiteConnection
    private let state = Mutex(State())

    init(capacity: Int, open: @escaping @Sendable () throws -> SQLiteConnection) {
        precondition(capacity > 0, "a partition needs a reader")
        self.capacity = capacity
        self.open = open
    }

    /// Runs `body` on `executor`'s threads with a connection of the pool.
    /// A read already on one of them, with a connection idle, runs at once:
    /// the request threads' GetItem never suspends to read.
    func withConnection<T>(on executor: StorageExecutor, _ body: (SQLiteConnection) throws -> T) async throws -> T {
        if executor.isCurrentThreadOwned, let connection = takeIdle() {
            defer { checkIn(connection) }
            return try body(connection)
        }
        return try await withTaskExecutorPreference(executor) {
            let connection = try await checkOut()
            defer { checkIn(connection) }
            return try body(connection)
        }
    }

    private func takeIdle() -> SQLiteConnection? {
        state.withLock { state in state.closed ? nil : state.idle.popLast() }
    }

    private func checkOut() async throws -> SQLiteConnection {
        // Most reads find an idle connection: take it without suspending,
        // which would queue the task on its executor once more.
        if let idle = takeIdle() { return idle }
        let grant = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
            state.withLock { state in
                if state.closed {
                    continuation.resume(throwing: DynamoError.resourceNotFound("Requested resource not found"))
                } else if let connection = state.idle.popLast() {
                    continuation.resume(returning: .connection(connection))
                } else if state.opened < capacity {
                    state.opened += 1
                    state.peakOpened = max(state.peakOpened, state.opened)
                    continuation.resume(returning: .openNew)
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
        switch grant {
        case .connection(let connection):
            return connection
        case .openNew:
            do {
                return try open()
            } catch {
                releaseSlot()
                throw error
            }
        }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        let (waiter, closed) = state.withLock { state -> (CheckedContinuation<Grant, any Error>?, Bool) in
            if state.closed { return (nil, true) }
            guard !state.waiters.isEmpty else {
                state.idle.append(connection)
                return (nil, false)
            }
            return (state.waiters.removeFirst(), false)
        }
        if closed { connection.close() }
        waiter?.resume(returning: .connection(connection))
    }

    /// A connection could not be opened: its slot goes to the next waiter, if any.
    private func releaseSlot() {
        let waiter = state.withLock { state -> CheckedContinuation<Grant, any Error>? in
            guard !state.waiters.isEmpty else {
                state.opened -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: .openNew)
    }

    /// The most connections ever open at once.
    var peakOpened: Int {
        state.withLock { $0.peakOpened }
    }

    /// Closes idle connections now and busy ones when their reads end;
    /// later reads fail as for a deleted table.
    func close() {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.resume(throwing: DynamoError.resourceNotFound("Requested resource not found")) }
    }
}
