import Synchronization

/// Whether the data directory's file system has room for write-ahead logs
/// to grow before a checkpoint copies them back. A checkpoint needs free
/// space for what it adds to the database file, up to the log's size: on
/// a small or nearly full disk, logs must stay short, or the last ones
/// cannot be copied back (`test_disk_full.py`). Looked up at most once a
/// second: the answer changes slowly, and writers ask on every commit past
/// the short threshold.
final class DiskHeadroom: Sendable {
    /// Free bytes from which logs may grow to `Checkpointer.longThreshold`.
    static let ample = 256 * 1024 * 1024

    private let availableBytes: @Sendable () -> Int?
    private let now: @Sendable () -> ContinuousClock.Instant
    private struct Answer {
        var isAmple: Bool
        var lookedUp: ContinuousClock.Instant
    }

    private let last = Mutex<Answer?>(nil)

    /// `availableBytes`: the file system's free bytes, nil if unknown (or
    /// no file system: an in-memory engine), which counts as scarce.
    init(
        availableBytes: @escaping @Sendable () -> Int?,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.availableBytes = availableBytes
        self.now = now
    }

    /// For the engine's data directory, or none.
    convenience init(dataDirectory: String?) {
        self.init(availableBytes: { dataDirectory.flatMap(FileSystem.availableBytes) })
    }

    var isAmple: Bool {
        let now = now()
        if let last = last.withLock({ $0 }), now - last.lookedUp < .seconds(1) { return last.isAmple }
        let isAmple = (availableBytes() ?? 0) >= Self.ample
        last.withLock { $0 = Answer(isAmple: isAmple, lookedUp: now) }
        return isAmple
    }
}
