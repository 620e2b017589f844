import NIOCore
import NIOPosix
import Testing
@testable import StrataServer

/// A request task runs on the event loop that read its request, and comes
/// back there after each suspension, wherever it was resumed from.
@Suite struct EventLoopTaskExecutorTests {
    @Test func aTaskRunsOnItsLoopAndResumesThere() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let executor = EventLoopTaskExecutor(loop)
        let onLoop = await Task(executorPreference: executor) { () -> [Bool] in
            var seen = [loop.inEventLoop]
            for _ in 0..<10 {
                // Resumed from a thread of Swift's pool, as a write's commit resumes it from its writer.
                await withCheckedContinuation { continuation in
                    Task.detached { continuation.resume() }
                }
                seen.append(loop.inEventLoop)
            }
            return seen
        }.value
        #expect(onLoop == Array(repeating: true, count: 11))
        try await group.shutdownGracefully()
    }
}
