import Synchronization

/// A database whose write-ahead log can be copied back into its file.
protocol Checkpointable: AnyObject, Sendable {
    /// How messages name the database.
    var checkpointName: String { get }
    /// Copies the log into the database file without blocking its writer
    /// (PASSIVE); on the storage threads only.
    func checkpoint() async throws
}

/// Decides when a database's write-ahead log is copied back into its file,
/// off its writer. SQLite would otherwise checkpoint inside a commit, and
/// that commit (with its fsync of the database file) would stall every
/// request waiting on the writer. The writer tells it what each commit
/// wrote; once enough has piled up it asks the engine's background work
/// for a checkpoint of its database. On a disk short of free space the
/// writer copies its log itself instead, sooner.
final class Checkpointer: Sendable {
    /// Log size at which a checkpoint is asked for, on a disk without
    /// ample free space (`DiskHeadroom`): about SQLite's own default of
    /// 1000 pages.
    static let threshold = 4 * 1024 * 1024
    /// The same with ample free space. A checkpoint copies each page once
    /// however often the log holds it, and syncs both files: PutItem of
    /// random keys did about 8% more req/s with 6% less CPU a request than
    /// at 4 MB (Benchmarks/README, session 17).
    static let longThreshold = 16 * 1024 * 1024
    /// Log size at which the writer copies the log itself (on a disk short
    /// of space, from `threshold` on: see `noteCommitted`). Background
    /// checkpoints run at the lowest priority and beside commits: under a
    /// steady load they may never finish the log, which then only grows
    /// (to gigabytes in minutes, each new page of it zeroed by the kernel).
    /// A writer that checkpoints between its commits lets the next one
    /// start the log over.
    static let writerLimit = 64 * 1024 * 1024

    private struct State {
        var requested = false
        /// The log's size after the last commit.
        var logBytes = 0
        /// After a failed checkpoint (a full disk, say), the next one waits
        /// until the log has grown by another threshold: retried after
        /// every commit, checkpoints would take whatever space a full disk
        /// regains, growing the database file halfway, and leave none for
        /// the commits that could otherwise go on.
        var retryAbove = 0
        /// The log size at which the background is next asked for a
        /// checkpoint. Under a steady load a background checkpoint seldom
        /// lets the log start over (commits land while it copies), so the
        /// log keeps its size; asked again after the next commit, the
        /// checkpoints would follow one another, each copying only what a
        /// few commits wrote and syncing both files. Asked once per
        /// `longThreshold` of new log, each copies many commits' pages once.
        var nextRequestAt = Checkpointer.longThreshold
        /// A commit wrote to the log since `isIdleWithLogToEmpty` last looked.
        var writtenSinceLook = false
        /// A commit wrote to the log since it was last emptied.
        var writtenSinceEmptied = false
    }

    let database: any Checkpointable
    private let requests: CheckpointRequests
    private let state = Mutex(State())

    /// The log's size after the last commit, for the metrics.
    var logBytes: Int {
        state.withLock { $0.logBytes }
    }

    init(database: any Checkpointable, requests: CheckpointRequests) {
        self.database = database
        self.requests = requests
    }

    /// Turns off SQLite's automatic checkpoints on a writer's connection:
    /// a `Checkpointer` takes them.
    static func turnOffAutomaticCheckpoints(of connection: SQLiteConnection) throws {
        try connection.execute("PRAGMA wal_autocheckpoint=0")
    }

    /// Told the log's size after a commit; returns whether the writer
    /// should checkpoint itself now.
    func noteCommitted(logBytes: Int) -> Bool {
        let retrying = state.withLock { state in
            // A smaller log has started over.
            if logBytes < state.logBytes { state.nextRequestAt = Self.longThreshold }
            // A commit that wrote nothing leaves the log's frames as they were.
            if logBytes != state.logBytes { state.writtenSinceLook = true; state.writtenSinceEmptied = true }
            state.logBytes = logBytes
            return logBytes >= state.retryAbove
        }
        guard logBytes >= Self.threshold else { return false }
        // On a disk short of space the writer copies the log itself, at
        // once and alone: a background checkpoint that lags behind (or
        // meets the writer's own) lets the log fill the disk, and then the
        // log cannot be copied back at all.
        guard requests.headroom.isAmple else { return retrying }
        // Below it nothing is due: `nextRequestAt` starts there and the writer's limit is above it.
        guard logBytes >= Self.longThreshold else { return false }
        let due = retrying && state.withLock { state in
            guard !state.requested, logBytes >= state.nextRequestAt else { return false }
            state.requested = true
            state.nextRequestAt = logBytes + Self.longThreshold
            return true
        }
        if due { requests.submit(self) }
        return logBytes >= Self.writerLimit && retrying
    }

    /// Blocks while SQLite copies the log; on the storage threads only.
    func checkpoint() async throws {
        do {
            try await database.checkpoint()
            state.withLock { $0.requested = false }
        } catch {
            state.withLock { $0.requested = false }
            failed()
            throw error
        }
    }

    /// Whether the log was written since it was last emptied, but not
    /// since the previous call: the engine's periodic sweep asks, and
    /// empties the logs of databases idle for a whole period. Under load a
    /// log file keeps the largest size it reached (up to `writerLimit`),
    /// which a database nobody writes need not hold on disk.
    func isIdleWithLogToEmpty() -> Bool {
        state.withLock { state in
            defer { state.writtenSinceLook = false }
            return !state.writtenSinceLook && state.writtenSinceEmptied
        }
    }

    /// The writer emptied the log: its file is cut to nothing.
    func emptied() {
        state.withLock { state in
            state.writtenSinceEmptied = false
            state.logBytes = 0
            state.nextRequestAt = Self.longThreshold
        }
    }

    /// A checkpoint, the writer's own or a background one, failed.
    func failed() {
        state.withLock { $0.retryAbove = $0.logBytes + Self.threshold }
    }
}
