import NIOCore

/// One event loop as a task executor (SE-0417): a request task started
/// with it runs on the loop that read the request, and so does each of its
/// resumptions. With reads done there too (the storage engine adopts the
/// loop's thread), a GetItem or a Query page never changes thread; before,
/// each request handed its task to a storage thread and its answer back,
/// two wake-ups that a context switch on this kind of machine makes dear.
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
