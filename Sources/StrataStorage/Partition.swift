import Logging
import StrataModel
import Synchronization

/// One storage partition: a SQLite database holding the items whose
/// partition hash falls in its range.
///
/// Writes go through a single writer on a serial queue that applies every
/// queued request in one transaction (group commit). Reads check a
/// connection out of a bounded pool, on the storage threads; in WAL mode
/// they run beside the writer and always see the latest commit.
///
/// A partition on disk keeps its files open only while the engine's
/// descriptors allow (`OpenFiles`): every read, write or transaction holds
/// it open for its duration (a lease), and an idle one may be closed to
/// make room for another, to be opened again by its next use. Its file is
/// created by its first write; until then a read finds nothing and opens
/// nothing. An in-memory partition opens at once and stays open: closing
/// its last connection would drop its data.
final class Partition: Sendable, IdleCloseable, Checkpointable {
    /// What a partition needs from its engine.
    struct Environment: Sendable {
        var durability: StorageOptions.Durability
        var readersPerPartition: Int
        var bulkReadersPerPartition: Int
        var threads: StorageThreads
        var checkpoints: CheckpointRequests
        var openFiles: OpenFiles
        /// How long global indexes trail the table (zero: writes wait for them).
        var indexLag: Duration
        var itemCollectionLimit: Int
        /// Seconds since 1970 now, for stream records.
        var now: @Sendable () -> Double
        var logger: Logger
    }

    private enum Phase {
        /// No file yet: nothing was ever written.
        case absent
        case closed
        /// Files are being opened; uses wait for them.
        case opening
        case open(PartitionFiles)
        /// Idle files are being closed; uses wait, then open them again.
        case closing
        /// Closed for good: the table is deleted or the engine closed.
        case retired
    }

    private struct State {
        var phase: Phase
        /// Reads, writes and transactions holding the files open.
        var users = 0
        /// Uses waiting for `opening` or `closing` to end.
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The writer's statistics as they were when the files closed.
        var statistics = PartitionStatistics()
        /// Whether this process has checked the file's version and created
        /// its tables: done by the first open alone.
        var prepared = false
    }

    /// What a use of the partition does next.
    private enum Step {
        /// Leased: the files are open.
        case use(PartitionFiles)
        /// No file, and the use creates none: there is nothing to read.
        case nothing
        /// Leased, and the files are this use's to open.
        case open(PartitionFiles.Preparation)
        /// Another use is opening or closing the files.
        case wait
    }

    let location: DatabaseLocation
    let threads: StorageThreads
    /// What a table partition keeps up beside its items, with the
    /// propagator of its changes to the global indexes; nil for an index's
    /// partition.
    let upkeep: PartitionUpkeep?
    var propagator: IndexPropagator? { upkeep?.propagator }
    /// A global index partition's entries not yet in its database (nil
    /// for a table's partition).
    let recent: RecentEntries?
    private let environment: Environment
    private let state: Mutex<State>
    /// When the partition was last used, on `OpenFiles`' clock; read
    /// without the lock when choosing which partition to close.
    private let lastUseStamp = Atomic<UInt64>(0)

    /// A partition of a new table (`isNew`: its file does not exist yet),
    /// or of a table found in the catalog; `upkeep` is nil for an index's.
    /// Opens nothing on disk.
    init(location: DatabaseLocation, environment: Environment, isNew: Bool, upkeep: PartitionUpkeep?) throws {
        self.location = location
        self.environment = environment
        threads = environment.threads
        self.upkeep = upkeep
        recent = upkeep == nil ? RecentEntries() : nil
        switch location {
        case .memory:
            let files = try PartitionFiles(
                location: location, environment: environment, preparation: .create, checkpointer: nil, upkeep: upkeep)
            state = Mutex(State(phase: .open(files), prepared: true))
        case .file(let path):
            state = Mutex(State(phase: !isNew && FileSystem.exists(path) ? .closed : .absent))
        }
    }

    static func configure(_ connection: SQLiteConnection, location: DatabaseLocation, durability: StorageOptions.Durability) throws {
        guard location.isFile else { return }
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
    }

    var statistics: PartitionStatistics {
        state.withLock { state in
            if case .open(let files) = state.phase { return files.writer.totals }
            return state.statistics
        }
    }

    /// The write-ahead log's size after the last commit (0 when closed).
    var logBytes: Int {
        currentFiles?.writer.logBytes ?? 0
    }

    /// The open files, if any: for tests.
    var currentFiles: PartitionFiles? {
        state.withLock { state in
            if case .open(let files) = state.phase { return files }
            return nil
        }
    }

    // MARK: Reads and writes

    /// Runs `body` inside the writer's next group transaction; its result is
    /// returned once that transaction has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (PartitionTransaction) throws -> T) async throws -> T {
        let files = try await lease(creating: true, on: threads.requests)!
        defer { release() }
        return try await files.writer.submit(body)
    }

    /// Runs `body` as `write` does if the partition has a file; nil if it
    /// has none, which holds nothing to change.
    func writeIfPresent<T: Sendable>(_ body: @escaping @Sendable (PartitionTransaction) throws -> T) async throws -> T? {
        guard let files = try await lease(creating: false, on: threads.requests) else { return nil }
        defer { release() }
        return try await files.writer.submit(body)
    }

    /// Runs `body` on a reader connection, on the bulk threads; nil if the
    /// partition has no file.
    func bulkRead<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T? {
        guard let files = try await lease(creating: false, on: threads.bulk) else { return nil }
        defer { release() }
        return try await files.bulkReaders.withConnection(on: threads.bulk, body)
    }

    /// Runs `body` in a transaction of its own on the calling thread, which
    /// must be a storage thread, once the writer's queued requests are done.
    /// For the index propagator: it writes many partitions in turn, and
    /// waking each one's writer thread cost more than the writes.
    func writeHere<T>(_ body: (PartitionTransaction) throws -> T) async throws -> T {
        let files = try await lease(creating: true, on: threads.requests)!
        defer { release() }
        return try files.writer.writeNow(body)
    }

    /// Runs `body` in a transaction of its own at once; for start-up work only.
    func writeNow<T>(_ body: (PartitionTransaction) throws -> T) throws -> T {
        let files = try leaseNow(creating: true)!
        defer { release() }
        return try files.writer.writeNow(body)
    }

    /// The same if the partition has a file; nil if it has none.
    func writeNowIfPresent<T>(_ body: (PartitionTransaction) throws -> T) throws -> T? {
        guard let files = try leaseNow(creating: false) else { return nil }
        defer { release() }
        return try files.writer.writeNow(body)
    }

    /// The stored value of one key, read on the request threads (or an
    /// event loop that adopted them).
    func get(_ key: [UInt8]) async throws -> StoredItem? {
        try await read { try ItemsTable.stored(key, on: $0) } ?? nil
    }

    /// Runs `body` on a request reader's connection, on the request
    /// threads or an adopted event loop; nil if the partition has no file.
    func read<T>(_ body: (SQLiteConnection) throws -> T) async throws -> T? {
        guard let files = try await lease(creating: false, on: threads.requests) else { return nil }
        defer { release() }
        return try await files.readers.withConnection(on: threads.requests, body)
    }

    /// Whose read a range read is: a request's (a Query page), on the
    /// request threads or an adopted event loop, or bulk (a Scan page), on
    /// the bulk threads.
    enum ReadClass {
        case request
        case bulk
    }

    /// Reads items (or a local index's entries, from `table`) of `range`
    /// into `page`; see `ItemsTable.read`.
    func read(
        _ range: KeyRange, in table: String = ItemsTable.items, forward: Bool, limit: PageLimit, peek: Bool,
        into page: inout ItemPage, as readClass: ReadClass
    ) async throws -> Bool {
        let executor = readClass == .request ? threads.requests : threads.bulk
        // Copied before the database read starts (see RecentEntries).
        let overlay = recent?.entries(in: range, forward: forward) ?? []
        guard let files = try await lease(creating: false, on: executor) else {
            // No file yet: only the recent entries.
            var items = overlay.lazy.compactMap(\.item).makeIterator()
            return page.fill(upTo: limit, peek: peek) { items.next() }
        }
        defer { release() }
        let pool = readClass == .request ? files.readers : files.bulkReaders
        return try await pool.withConnection(on: executor) { connection in
            if overlay.isEmpty {
                try ItemsTable.read(range, in: table, forward: forward, limit: limit, peek: peek, into: &page, on: connection)
            } else {
                try ItemsTable.read(range, overlaying: overlay, forward: forward, limit: limit, peek: peek, into: &page, on: connection)
            }
        }
    }

    /// Keeps the files open (creating the file) while `body` runs: a write
    /// transaction holds each of its partitions from before its commit
    /// point until it has applied, so that it never lacks descriptors
    /// once it has committed.
    func holdingOpen<T>(_ body: () async throws -> T) async throws -> T {
        _ = try await lease(creating: true, on: threads.requests)
        defer { release() }
        return try await body()
    }

    /// Checks the version of a partition file found on disk at start-up
    /// and reads its statistics, leaving it closed; blocks. Its next open
    /// does neither again.
    func prepareAtStartUp() throws {
        let unprepared = state.withLock { state in
            if case .closed = state.phase { !state.prepared } else { false }
        }
        guard unprepared else { return }
        let openFiles = environment.openFiles
        try openFiles.reserve(PartitionFiles.writerDescriptors)
        defer { openFiles.release(PartitionFiles.writerDescriptors) }
        let statistics: PartitionStatistics
        do {
            statistics = try PartitionFiles.inspect(
                location, durability: environment.durability,
                layout: ItemsTable.Layout(upkeep))
        } catch {
            throw OpenFiles.translate(error)
        }
        state.withLock { state in
            state.statistics = statistics
            state.prepared = true
        }
    }

    // MARK: Checkpoints

    var checkpointName: String { location.name }

    /// Copies the write-ahead log into the file on a bulk reader's
    /// connection, if the files are still open: closing them did it already.
    func checkpoint() async throws {
        guard let files = leaseIfOpen() else { return }
        defer { release() }
        // PASSIVE never blocks the writer or readers; the writer restarts
        // the log once all of it has been copied.
        try await files.bulkReaders.withConnection(on: threads.bulk) { try $0.execute("PRAGMA wal_checkpoint(PASSIVE)") }
    }

    /// Empties the write-ahead log if the files are open and no commit
    /// wrote to it since the last call (`Checkpointer.isIdleWithLogToEmpty`).
    func emptyLogIfIdle() async throws {
        guard let files = leaseIfOpen() else { return }
        defer { release() }
        try await files.writer.emptyLogIfIdle()
    }

    // MARK: Leases

    /// Takes a lease on the open files, opening them on `executor`'s
    /// threads if need be; nil if there is no file and `creating` is false.
    /// Every lease taken is given back with `release()`.
    ///
    /// A request opens files on the request threads it runs on, not on
    /// the bulk threads: those run at nice 19, and under load an open
    /// queued there waited for the CPU long enough to make writes to
    /// closed partitions four times slower (e2e, 2,500 tables, 8 clients).
    private func lease(creating: Bool, on executor: StorageExecutor) async throws -> PartitionFiles? {
        while true {
            switch try nextStep(creating: creating) {
            case .use(let files):
                return files
            case .nothing:
                return nil
            case .open(let preparation):
                return try await withTaskExecutorPreference(executor) { try openFiles(preparation) }
            case .wait:
                await phaseChange()
            }
        }
    }

    /// The same, blocking: at start-up, when nothing else uses the partition.
    private func leaseNow(creating: Bool) throws -> PartitionFiles? {
        switch try nextStep(creating: creating) {
        case .use(let files): return files
        case .nothing: return nil
        case .open(let preparation): return try openFiles(preparation)
        case .wait: throw DynamoError.internalFailure("\(location.name) is opening or closing during start-up")
        }
    }

    /// A lease if the files are open, without opening them.
    private func leaseIfOpen() -> PartitionFiles? {
        state.withLock { state in
            guard case .open(let files) = state.phase else { return nil }
            state.users += 1
            return files
        }
    }

    private func nextStep(creating: Bool) throws(DynamoError) -> Step {
        try state.withLock { state throws(DynamoError) -> Step in
            switch state.phase {
            case .open(let files):
                state.users += 1
                return .use(files)
            case .absent:
                guard creating else { return .nothing }
                state.phase = .opening
                state.users += 1
                return .open(.create)
            case .closed:
                state.phase = .opening
                state.users += 1
                return .open(state.prepared ? .reopen(state.statistics) : .firstOpen)
            case .opening, .closing:
                return .wait
            case .retired:
                throw .resourceNotFound("Requested resource not found")
            }
        }
    }

    /// Gives a lease back.
    private func release() {
        lastUseStamp.store(environment.openFiles.tick(), ordering: .relaxed)
        state.withLock { $0.users -= 1 }
    }

    /// Waits until the files are no longer opening or closing.
    private func phaseChange() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let changed = state.withLock { state -> Bool in
                switch state.phase {
                case .opening, .closing:
                    state.waiters.append(continuation)
                    return false
                default:
                    return true
                }
            }
            if changed { continuation.resume() }
        }
    }

    /// Moves to `phase` and wakes the uses waiting for the change.
    private func enter(_ phase: Phase, _ change: (inout State) -> Void = { _ in }) {
        let waiters = state.withLock { state in
            state.phase = phase
            change(&state)
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Opens the files for the lease that found them closed; blocks (on
    /// the storage threads, or at start-up).
    private func openFiles(_ preparation: PartitionFiles.Preparation) throws -> PartitionFiles {
        let openFiles = environment.openFiles
        let files: PartitionFiles
        do {
            try openFiles.reserve(PartitionFiles.writerDescriptors)
            do {
                files = try PartitionFiles(
                    location: location, environment: environment, preparation: preparation,
                    checkpointer: Checkpointer(database: self, requests: environment.checkpoints),
                    upkeep: upkeep)
            } catch {
                openFiles.release(PartitionFiles.writerDescriptors)
                throw OpenFiles.translate(error)
            }
        } catch {
            enter(preparation == .create ? .absent : .closed) { $0.users -= 1 }
            throw error
        }
        lastUseStamp.store(openFiles.tick(), ordering: .relaxed)
        openFiles.register(self)
        enter(.open(files)) { $0.prepared = true }
        return files
    }

    // MARK: Closing

    var lastUse: UInt64 {
        lastUseStamp.load(ordering: .relaxed)
    }

    func closeIfIdle() -> Bool {
        let idle = state.withLock { state -> PartitionFiles? in
            guard state.users == 0, case .open(let files) = state.phase else { return nil }
            state.phase = .closing
            state.statistics = files.writer.totals
            return files
        }
        guard let idle else { return false }
        idle.closeNow()
        environment.openFiles.unregister(self)
        enter(.closed)
        return true
    }

    /// Finishes queued writes, then closes every connection for good
    /// (readers in use when their reads end); later uses fail as for a
    /// deleted table.
    func close() async {
        enum Step {
            case close(PartitionFiles)
            case nothingOpen
            case wait
        }
        while true {
            let step = state.withLock { state -> Step in
                switch state.phase {
                case .opening, .closing:
                    return .wait
                case .open(let files):
                    state.phase = .retired
                    state.statistics = files.writer.totals
                    return .close(files)
                case .absent, .closed, .retired:
                    state.phase = .retired
                    return .nothingOpen
                }
            }
            switch step {
            case .wait:
                await phaseChange()
                continue
            case .close(let files):
                await files.close()
                environment.openFiles.unregister(self)
            case .nothingOpen:
                break
            }
            // Uses that waited for an open or a close now find it retired.
            enter(.retired)
            return
        }
    }
}
