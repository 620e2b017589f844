/// Checkpoints asked for by writers, taken by the engine's `run()`: the
/// engine's background work has one home, started and stopped with the
/// server.
final class CheckpointRequests: Sendable {
    let pending: AsyncStream<Checkpointer>
    private let continuation: AsyncStream<Checkpointer>.Continuation
    /// Whether logs may grow longer before their checkpoint.
    let headroom: DiskHeadroom

    init(headroom: DiskHeadroom) {
        self.headroom = headroom
        // Each checkpointer asks again only after its checkpoint ran, so
        // the buffer holds at most one request per database.
        (pending, continuation) = AsyncStream.makeStream(of: Checkpointer.self, bufferingPolicy: .unbounded)
    }

    func submit(_ checkpointer: Checkpointer) {
        continuation.yield(checkpointer)
    }

    func finish() {
        continuation.finish()
    }
}
