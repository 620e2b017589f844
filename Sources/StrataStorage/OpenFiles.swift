import StrataModel
import Synchronization

/// Something holding file descriptors that `OpenFiles` may take back: a
/// partition whose files are open.
protocol IdleCloseable: AnyObject, Sendable {
    /// When it was last used, on its `OpenFiles`' clock.
    var lastUse: UInt64 { get }
    /// Closes its files if nothing uses them, giving their descriptors back
    /// before it returns; false if they are in use (or already closing).
    func closeIfIdle() -> Bool
}

/// The file descriptors the engine's partitions hold, kept within a limit
/// (`StorageOptions.maximumOpenFiles`) by closing the least recently used
/// partitions that nothing uses: no read, no queued write, no transaction
/// holding them. A partition reopens on demand.
///
/// Descriptors are counted before files open and given back after they
/// close, so the files really open never outnumber the count. The request
/// path touches no lock here: a partition already open is used without
/// asking, and its last use is a stamp from an atomic clock. Closing others
/// to make room happens one at a time, on the storage thread that needs
/// the room.
final class OpenFiles: Sendable {
    /// Descriptors counted as held, and at most how many.
    private let used: CappedBudget
    private let clock = Atomic<UInt64>(0)
    /// What may be closed to make room: every partition with open files.
    private let holders = Mutex<[ObjectIdentifier: any IdleCloseable]>([:])
    /// Held while closing idle partitions, so that two that need room do
    /// not each close what one of them freed.
    private let closing = Mutex(())

    /// What a request gets when nothing can be closed to make room.
    static let exhausted = DynamoError.limitExceeded(
        "Too many open files: every table file the server may keep open is in use, so it cannot open more tables at once")

    init(limit: Int) {
        used = CappedBudget(capacity: limit)
    }

    /// Descriptors counted as held now.
    var inUse: Int { used.reserved }

    /// A new, later time on the clock that orders partitions' last uses.
    func tick() -> UInt64 {
        clock.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Counts `count` more descriptors if they fit under the limit.
    func tryReserve(_ count: Int) -> Bool {
        used.tryReserve(count)
    }

    /// Counts `count` more descriptors, closing idle partitions, least
    /// recently used first, until they fit. Throws `exhausted` if they do
    /// not fit even with every idle partition closed. Blocks while files
    /// close: call it where blocking is allowed.
    func reserve(_ count: Int) throws(DynamoError) {
        if tryReserve(count) { return }
        try closing.withLock { _ throws(DynamoError) in
            // Another thread may have made room meanwhile.
            if tryReserve(count) { return }
            let candidates = holders.withLock { Array($0.values) }
                .map { (holder: $0, lastUse: $0.lastUse) }
                .sorted { $0.lastUse < $1.lastUse }
            for candidate in candidates {
                guard candidate.holder.closeIfIdle() else { continue }
                if tryReserve(count) { return }
            }
            throw Self.exhausted
        }
    }

    /// Gives back descriptors once their files are closed.
    func release(_ count: Int) {
        used.release(count)
    }

    /// `exhausted` for a file SQLite could not open for want of a
    /// descriptor (the limit left the rest of the process too little);
    /// any other error as it is.
    static func translate(_ error: any Error) -> any Error {
        if let error = error as? SQLiteError, error.isOutOfFileDescriptors { return exhausted }
        if let error = error as? FileSystem.Failure, error.isOutOfFileDescriptors { return exhausted }
        return error
    }

    /// `holder`'s files are open: it may be closed to make room from now on.
    func register(_ holder: any IdleCloseable) {
        holders.withLock { $0[ObjectIdentifier(holder)] = holder }
    }

    /// `holder`'s files are closed.
    func unregister(_ holder: any IdleCloseable) {
        _ = holders.withLock { $0.removeValue(forKey: ObjectIdentifier(holder)) }
    }

    /// How many holders have open files.
    var openCount: Int {
        holders.withLock { $0.count }
    }
}
