import StrataModel
import Synchronization

/// The reader connections of one partition: at most `capacity` open, each
/// used by one read at a time. A read that finds none free waits, without
/// holding a thread, until another read hands its connection over.
///
/// Each connection holds descriptors counted by the engine's `OpenFiles`.
/// When none are left, a read waits for one of the pool's connections
/// rather than close another partition; only a pool with no connection at
/// all makes room by closing idle partitions.
final class ReaderPool: Sendable {
    /// Descriptors of one reader connection: its database file and its
    /// write-ahead log.
    static let descriptorsPerConnection = 2

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
    /// Where connections count their descriptors; nil when they take none
    /// (in-memory databases).
    private let openFiles: OpenFiles?
    private let state = Mutex(State())

    init(capacity: Int, openFiles: OpenFiles?, open: @escaping @Sendable () throws -> SQLiteConnection) {
        precondition(capacity > 0, "a partition needs a reader")
        self.capacity = capacity
        self.openFiles = openFiles
        self.open = open
    }

    /// Runs `body` on `executor`'s threads with a connection of the pool.
    /// A read already on one of them (or on an event loop that adopted the
    /// executor), with a connection idle, runs at once: a GetItem never
    /// suspends to read.
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
        var grant = try await nextGrant(givingBackSlot: false)
        while true {
            switch grant {
            case .connection(let connection):
                return connection
            case .openNew:
                let reserved: Bool
                do {
                    reserved = try reserveDescriptors()
                } catch {
                    releaseSlot()
                    throw error
                }
                guard reserved else {
                    grant = try await nextGrant(givingBackSlot: true)
                    continue
                }
                do {
                    return try open()
                } catch {
                    openFiles?.release(Self.descriptorsPerConnection)
                    releaseSlot()
                    throw OpenFiles.translate(error)
                }
            }
        }
    }

    /// A connection, a slot to open one, or a place in the queue. With
    /// `givingBackSlot`, the caller gives up the slot it was granted (no
    /// descriptors for it) and waits for a connection already open.
    private func nextGrant(givingBackSlot: Bool) async throws -> Grant {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
            state.withLock { state in
                if givingBackSlot { state.opened -= 1 }
                if state.closed {
                    continuation.resume(throwing: DynamoError.resourceNotFound("Requested resource not found"))
                } else if let connection = state.idle.popLast() {
                    continuation.resume(returning: .connection(connection))
                } else if state.opened == 0 || (!givingBackSlot && state.opened < capacity) {
                    state.opened += 1
                    state.peakOpened = max(state.peakOpened, state.opened)
                    continuation.resume(returning: .openNew)
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
    }

    /// Counts a new connection's descriptors. False when there are none to
    /// spare but the pool has another connection to wait for; closes idle
    /// partitions (blocking) when it has none.
    private func reserveDescriptors() throws -> Bool {
        guard let openFiles else { return true }
        if openFiles.tryReserve(Self.descriptorsPerConnection) { return true }
        if state.withLock({ $0.opened > 1 }) { return false }
        try openFiles.reserve(Self.descriptorsPerConnection)
        return true
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
        if closed { discard(connection) }
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

    private func discard(_ connection: SQLiteConnection) {
        connection.close()
        openFiles?.release(Self.descriptorsPerConnection)
    }

    /// The most connections ever open at once.
    var peakOpened: Int {
        state.withLock { $0.peakOpened }
    }

    /// Connections open now, idle or in use.
    var openedCount: Int {
        state.withLock { $0.opened }
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
        for connection in idle { discard(connection) }
        for waiter in waiters { waiter.resume(throwing: DynamoError.resourceNotFound("Requested resource not found")) }
    }
}
