import CSQLite

/// One SQLite connection. Strata never shares a connection between threads
/// at the same time: a partition's writer connection is used only on that
/// partition's serial queue, a reader connection only by the one task
/// that checked it out of its pool, and a checkpointer's only under its lock. That confinement, not SQLite's own
/// mutexes, is what makes the `@unchecked Sendable` below sound; the
/// connection is opened with SQLITE_OPEN_NOMUTEX accordingly.
final class SQLiteConnection: @unchecked Sendable {
    private(set) var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    /// Statements kept by `StatementSlot`, found without their SQL text.
    private var slotted: [SQLiteStatement?] = []
    let path: String

    /// Opens (creating if needed) the database at `path`, which may be a
    /// `file:` URI.
    /// `readOnly` is for the integrity check, which must change nothing.
    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        _ = Self.configured
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, Self.fileSystem)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            let systemErrno = db.map { sqlite3_system_errno($0) } ?? 0
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, sql: path, systemErrno: systemErrno)
        }
        handle = db
        sqlite3_busy_timeout(db, Self.busyTimeoutMilliseconds)
    }

    /// How long a statement waits for another connection's lock.
    private static let busyTimeoutMilliseconds: Int32 = 10_000

    /// SQLite's process-wide settings, made once, before the first connection.
    private static let configured: Void = {
        _ = strata_sqlite_disable_memory_statistics()
    }()

    /// SQLite's "unix-excl" file system: the process holds an exclusive
    /// lock on each database it writes, and keeps the write-ahead log's
    /// index in its own memory instead of a `-shm` file. Every read and
    /// write transaction then takes its locks without a system call (the
    /// default took two `fcntl` calls a GetItem); the data directory's lock
    /// already keeps other processes out.
    private static let fileSystem = "unix-excl"

    /// Opens the database at `location`. A database file Strata creates is
    /// private to its user (0600): SQLite would create it 0644, and its
    /// `-wal` file copies the database file's mode.
    convenience init(_ location: DatabaseLocation, readOnly: Bool = false) throws {
        if case .file(let path) = location, !readOnly {
            try FileSystem.createFile(path, mode: 0o600)
        }
        try self.init(path: location.uri, readOnly: readOnly)
    }

    deinit {
        close()
    }

    /// Frames in the write-ahead log after this connection's last commit.
    private final class LogFrames {
        var count = 0
        var pageSize = 4096
    }

    private let logFrames = LogFrames()

    /// Starts counting the log's size after each commit, as SQLite's own
    /// automatic checkpoints do; `logBytes` then says how big it is.
    func trackLogSize() throws {
        let pageSize = try statement("PRAGMA page_size")
        if try pageSize.step() { logFrames.pageSize = pageSize.int(0) }
        pageSize.reset()
        sqlite3_wal_hook(handle, { context, _, _, frames in
            Unmanaged<LogFrames>.fromOpaque(context!).takeUnretainedValue().count = Int(frames)
            return SQLITE_OK
        }, Unmanaged.passUnretained(logFrames).toOpaque())
    }

    /// Bytes of pages in the write-ahead log after the last commit, with
    /// `trackLogSize()`.
    var logBytes: Int {
        logFrames.count * logFrames.pageSize
    }

    /// Copies the whole write-ahead log into the database file and cuts the
    /// log file to nothing, unless a reader still reads from the log: then
    /// it returns false at once instead of waiting for that reader.
    func emptyLog() throws -> Bool {
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds) }
        let checkpoint = try statement("PRAGMA wal_checkpoint(TRUNCATE)")
        defer { checkpoint.reset() }
        // One row: whether it was blocked, then the log's frames and those copied.
        guard try checkpoint.step(), checkpoint.int(0) == 0 else { return false }
        // The log holds no frame now; the next commit's hook counts afresh.
        logFrames.count = 0
        return true
    }

    func close() {
        statements.removeAll()
        slotted.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? "error"
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql, systemErrno: systemErrno)
        }
    }

    /// A prepared statement, compiled once per connection and reused.
    func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// The statement kept in `slot`, prepared from `sql` the first time:
    /// for the statements every request runs, whose text cost more to
    /// build and hash than the statement to bind and run.
    func statement(_ slot: StatementSlot, _ sql: () -> String) throws -> SQLiteStatement {
        if slot.index < slotted.count, let cached = slotted[slot.index] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(connection: self, sql: sql())
        if slotted.count <= slot.index { slotted += repeatElement(nil, count: slot.index + 1 - slotted.count) }
        slotted[slot.index] = statement
        return statement
    }

    /// The rowid of the row the last INSERT on this connection added.
    var lastInsertedRow: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// The rows the last INSERT, UPDATE or DELETE on this connection changed.
    var changedRows: Int { Int(sqlite3_changes64(handle)) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The error number of the last system call SQLite saw fail on this connection.
    var systemErrno: Int32 { sqlite3_system_errno(handle) }
}
