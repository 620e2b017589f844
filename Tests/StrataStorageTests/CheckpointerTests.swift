import Synchronization
@testable import StrataStorage
import Testing

/// When a writer's log is copied back: from 4 MB on a disk short of free
/// space, by the writer itself; from 16 MB where there is plenty, by the
/// background; the free space looked up at most once a second (on a
/// clock the test moves).
@Suite struct CheckpointerTests {
    final class Database: Checkpointable {
        let checkpointName = "test database"
        func checkpoint() async throws {}
    }

    /// The disk's free bytes and the time, as the test sets them.
    final class Disk: Sendable {
        let freeBytes = Mutex<Int?>(DiskHeadroom.ample)
        let now = Mutex(ContinuousClock.now)

        func headroom() -> DiskHeadroom {
            DiskHeadroom(availableBytes: { self.freeBytes.withLock { $0 } }, now: { self.now.withLock { $0 } })
        }
    }

    /// The checkpoints asked for so far; ends the requests.
    static func requested(_ requests: CheckpointRequests) async -> Int {
        requests.finish()
        var count = 0
        for await _ in requests.pending { count += 1 }
        return count
    }

    @Test func aLogGrowsToTheLongThresholdWhereTheDiskHasRoom() async {
        let requests = CheckpointRequests(headroom: Disk().headroom())
        let checkpointer = Checkpointer(database: Database(), requests: requests)
        #expect(!checkpointer.noteCommitted(logBytes: Checkpointer.threshold))
        #expect(!checkpointer.noteCommitted(logBytes: Checkpointer.longThreshold - 1))
        #expect(await Self.requested(requests) == 0)

        let again = CheckpointRequests(headroom: Disk().headroom())
        #expect(!Checkpointer(database: Database(), requests: again).noteCommitted(logBytes: Checkpointer.longThreshold))
        #expect(await Self.requested(again) == 1)
    }

    /// A log that a background checkpoint did not start over (commits
    /// landed while it copied) is not copied again until it has grown by
    /// another long threshold; once it starts over, the count does too.
    @Test func theBackgroundIsAskedOncePerLongThresholdOfNewLog() async throws {
        let requests = CheckpointRequests(headroom: Disk().headroom())
        let checkpointer = Checkpointer(database: Database(), requests: requests)
        let long = Checkpointer.longThreshold
        // Commits, each after the last checkpoint ended: asked once, at the first.
        for logBytes in stride(from: long, to: 2 * long, by: long / 4) {
            #expect(!checkpointer.noteCommitted(logBytes: logBytes))
            try await checkpointer.checkpoint()
        }
        #expect(!checkpointer.noteCommitted(logBytes: 2 * long))
        try await checkpointer.checkpoint()
        // Started over.
        #expect(!checkpointer.noteCommitted(logBytes: 4096))
        #expect(!checkpointer.noteCommitted(logBytes: long))
        #expect(await Self.requested(requests) == 3)
    }

    /// A sweep's look finds a log idle when it was written before the
    /// previous look and not since, and not emptied since its last write;
    /// a commit that wrote nothing is no write.
    @Test func aLogIsIdleAfterAWholePeriodWithoutWrites() {
        let checkpointer = Checkpointer(database: Database(), requests: CheckpointRequests(headroom: Disk().headroom()))
        #expect(!checkpointer.isIdleWithLogToEmpty())
        _ = checkpointer.noteCommitted(logBytes: 4096)
        #expect(!checkpointer.isIdleWithLogToEmpty())
        _ = checkpointer.noteCommitted(logBytes: 4096)
        #expect(checkpointer.isIdleWithLogToEmpty())
        checkpointer.emptied()
        #expect(checkpointer.logBytes == 0)
        #expect(!checkpointer.isIdleWithLogToEmpty())
        #expect(!checkpointer.isIdleWithLogToEmpty())
        _ = checkpointer.noteCommitted(logBytes: 8192)
        #expect(!checkpointer.isIdleWithLogToEmpty())
        #expect(checkpointer.isIdleWithLogToEmpty())
    }

    @Test func aFillingDiskKeepsLogsShortWithinASecond() async {
        /// Whether the writer is told to copy a log of 4 MB + 1 once the
        /// disk has filled, `waiting` after free space was last looked up.
        func fill(waiting: Duration) -> Bool {
            let disk = Disk()
            let checkpointer = Checkpointer(database: Database(), requests: CheckpointRequests(headroom: disk.headroom()))
            _ = checkpointer.noteCommitted(logBytes: Checkpointer.threshold)
            disk.freeBytes.withLock { $0 = DiskHeadroom.ample - 1 }
            disk.now.withLock { $0 += waiting }
            return checkpointer.noteCommitted(logBytes: Checkpointer.threshold + 1)
        }
        // The last look stands for a second.
        #expect(!fill(waiting: .milliseconds(999)))
        #expect(fill(waiting: .seconds(1)))
    }

    @Test func onADiskShortOfSpaceTheWriterCopiesTheLogItself() async {
        let disk = Disk()
        disk.freeBytes.withLock { $0 = DiskHeadroom.ample - 1 }
        let requests = CheckpointRequests(headroom: disk.headroom())
        let checkpointer = Checkpointer(database: Database(), requests: requests)
        #expect(!checkpointer.noteCommitted(logBytes: Checkpointer.threshold - 1))
        #expect(checkpointer.noteCommitted(logBytes: Checkpointer.threshold))
        #expect(checkpointer.noteCommitted(logBytes: Checkpointer.threshold + 1))
        // After a failure (the disk is full), not again until the log grew by another threshold.
        checkpointer.failed()
        #expect(!checkpointer.noteCommitted(logBytes: Checkpointer.threshold + 2))
        #expect(checkpointer.noteCommitted(logBytes: 2 * Checkpointer.threshold + 1))
        // Nothing for the background.
        #expect(await Self.requested(requests) == 0)
    }

    @Test func aDiskThatCannotBeAskedCountsAsShortOfSpace() {
        let disk = Disk()
        disk.freeBytes.withLock { $0 = nil }
        let checkpointer = Checkpointer(database: Database(), requests: CheckpointRequests(headroom: disk.headroom()))
        #expect(checkpointer.noteCommitted(logBytes: Checkpointer.threshold))
    }

    /// The metrics' log size is the last commit's, also once a checkpoint
    /// has started the log over.
    @Test func theLogSizeIsTheLastCommits() {
        let checkpointer = Checkpointer(database: Database(), requests: CheckpointRequests(headroom: Disk().headroom()))
        _ = checkpointer.noteCommitted(logBytes: Checkpointer.longThreshold + 5)
        _ = checkpointer.noteCommitted(logBytes: 4096)
        #expect(checkpointer.logBytes == 4096)
    }
}
