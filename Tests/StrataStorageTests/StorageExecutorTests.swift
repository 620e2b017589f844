import Dispatch
import Synchronization
import Testing
@testable import StrataStorage

/// The engine's own threads: jobs run there, never more threads than the
/// bound, and a task that already prefers the executor does not switch.
@Suite struct StorageExecutorTests {
    @Test func jobsRunOnTheExecutorsOwnThreads() async {
        let executor = StorageExecutor(maximumThreads: 2)
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
        let executor = StorageExecutor(maximumThreads: 3)
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
        let executor = StorageExecutor(maximumThreads: 4)
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
}
