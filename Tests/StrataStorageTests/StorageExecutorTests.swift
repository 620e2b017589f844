import Dispatch
import StrataModel
import StrataThreads
import Synchronization
import Testing
@testable import StrataStorage

/// The engine's own threads: jobs run there, never more threads than the
/// bound, and a task that already prefers the executor does not switch.
@Suite struct StorageExecutorTests {
    @Test func jobsRunOnTheExecutorsOwnThreads() async {
        let executor = StorageExecutor(name: "test", maximumThreads: 2)
        defer { executor.retire() }
        #expect(!executor.isCurrentThreadOwned)
        let inside = await withTaskExecutorPreference(executor) { executor.isCurrentThreadOwned }
        #expect(inside)
        let preferring = await Task(executorPreference: executor) { executor.isCurrentThreadOwned }.value
        #expect(preferring)
        // Back on the caller's executor afterwards.
        #expect(!executor.isCurrentThreadOwned)
    }

    @Test func threadsStayWithinTheBound() async {
        let executor = StorageExecutor(name: "test", maximumThreads: 3)
        defer { executor.retire() }
        let gate = DispatchSemaphore(value: 0)
        let entered = AsyncStream.makeStream(of: Void.self)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask(executorPreference: executor) {
                    entered.continuation.yield()
                    // Holds a storage thread, as a slow SQLite call would.
                    gate.wait()
                }
            }
            var iterator = entered.stream.makeAsyncIterator()
            for _ in 0..<3 { await iterator.next() }
            #expect(executor.peakThreadCount == 3)
            for _ in 0..<10 { gate.signal() }
        }
        #expect(executor.peakThreadCount == 3)
    }

    /// Counts the jobs a storage read would enqueue, from the cooperative
    /// pool and from a task that prefers the executor, and prints the cost
    /// per call. Each enqueued job is a switch of threads.
    @Test func aTaskThatPrefersTheExecutorDoesNotSwitchToIt() async {
        let executor = StorageExecutor(name: "test", maximumThreads: 4)
        defer { executor.retire() }
        let calls = 20_000

        @Sendable func measure() async -> (jobs: Int, nanoseconds: Double) {
            let jobsBefore = executor.enqueuedJobCount
            let start = ContinuousClock.now
            var owned = 0
            for _ in 0..<calls {
                owned += await withTaskExecutorPreference(executor) { executor.isCurrentThreadOwned ? 1 : 0 }
            }
            let elapsed = ContinuousClock.now - start
            #expect(owned == calls)
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            return (executor.enqueuedJobCount - jobsBefore, nanoseconds / Double(calls))
        }

        let fromPool = await Task { await measure() }.value
        let preferring = await Task(executorPreference: executor) { await measure() }.value
        print("withTaskExecutorPreference, \(calls) calls: from the cooperative pool \(fromPool.jobs) jobs enqueued,",
              "\(Int(fromPool.nanoseconds)) ns/call; from a task preferring the executor \(preferring.jobs) jobs,",
              "\(Int(preferring.nanoseconds)) ns/call")
        // Into the executor and back out: two jobs per call from elsewhere.
        #expect(fromPool.jobs >= calls)
        #expect(preferring.jobs == 0)
    }

    /// The front's event loops adopt the request threads: a request task
    /// running on one reads there, and nothing moves to the request threads.
    @Test func aTaskOnAnAdoptedThreadReadsThere() async throws {
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: nil, partitionsPerTable: 1))
        _ = try await engine.createTable(TestTables.hashKeyed("t"))
        let key = PrimaryKey(partition: .s("a"))
        _ = try await engine.writeItem(table: "t", key: key) { _ in ItemWrite(.put(["pk": .s("a")]), result: 0) }
        // An executor of one thread stands for an event loop.
        let loop = StorageExecutor(name: "test-loop", maximumThreads: 1)
        defer { loop.retire() }
        #expect(engine.runsRequestsOnAdoptedThreads)
        await Task(executorPreference: loop) { engine.adoptCallingThread() }.value
        let read = { try await Task(executorPreference: loop) { try await engine.getItem(table: "t", key: key) }.value }
        // The first read opens the partition's reader connection on the request threads.
        #expect(try await read() != nil)
        let jobsBefore = engine.threads.requests.enqueuedJobCount
        for _ in 0..<100 {
            #expect(try await read() != nil)
        }
        #expect(engine.threads.requests.enqueuedJobCount == jobsBefore)
    }
}

/// A thread starts with the nice value of the thread that started it: a
/// request thread started from a bulk thread would run at nice 19 for good.
@Suite struct StorageExecutorPriorityTests {
    @Test func requestThreadsKeepTheirPriorityWhenBulkThreadsQueueTheirJobs() async {
        let requests = StorageExecutor(name: "test-request", maximumThreads: 2)
        let bulk = StorageExecutor(name: "test-bulk", maximumThreads: 1, niceness: 19)
        defer {
            requests.retire()
            bulk.retire()
        }
        #expect(await withTaskExecutorPreference(bulk) { ThreadPriority.currentNiceness() } == 19)
        // The first request job comes from the bulk thread, as a time to
        // live sweep's does on a server that has served nothing yet.
        let first = await withTaskExecutorPreference(bulk) {
            await Task(executorPreference: requests) { ThreadPriority.currentNiceness() }.value
        }
        #expect(first == 0)

        // The first request thread is busy, so a job from the bulk thread
        // wants a second one.
        let release = DispatchSemaphore(value: 0)
        let busy = await Self.holdThreads(1, of: requests, until: release)
        let job = await withTaskExecutorPreference(bulk) {
            Task(executorPreference: requests) {}
        }
        release.signal()
        _ = await busy.value
        await job.value

        // Both request threads, held at once, tell their nice values.
        let bothHeld = DispatchSemaphore(value: 0)
        let both = await Self.holdThreads(2, of: requests, until: bothHeld)
        bothHeld.signal()
        bothHeld.signal()
        #expect(await both.value == [0, 0])
        #expect(requests.peakThreadCount == 2)
    }

    /// Occupies `count` threads of `executor` until `release` is signalled
    /// once for each; returns once all are occupied, with a task that
    /// gives their nice values.
    private static func holdThreads(
        _ count: Int, of executor: StorageExecutor, until release: DispatchSemaphore
    ) async -> Task<[Int32], Never> {
        let entered = AsyncStream.makeStream(of: Void.self)
        let holders = (0..<count).map { _ in
            Task(executorPreference: executor) { () -> Int32 in
                entered.continuation.yield()
                release.wait()
                return ThreadPriority.currentNiceness()
            }
        }
        var iterator = entered.stream.makeAsyncIterator()
        for _ in 0..<count { await iterator.next() }
        return Task {
            var values: [Int32] = []
            for holder in holders { values.append(await holder.value) }
            return values
        }
    }
}
