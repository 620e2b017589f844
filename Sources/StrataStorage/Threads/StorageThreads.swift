/// The engine's two kinds of threads. Requests read on a few hot threads,
/// one per core, or on the front's event loops that adopted them; closed
/// partitions open on the request threads. Long work (Scan pages, creating
/// and removing table directories, checkpoints) runs on threads of its own
/// at the lowest priority (nice 19), so that a full Scan never takes a
/// thread, or much of a core, from a GetItem.
package struct StorageThreads: Sendable {
    package let requests: StorageExecutor
    package let bulk: StorageExecutor

    package init(options: StorageOptions) {
        requests = StorageExecutor(name: "strata-request", maximumThreads: options.requestThreads)
        bulk = StorageExecutor(name: "strata-bulk", maximumThreads: options.bulkThreads, niceness: 19)
    }

    package func retire() {
        requests.retire()
        bulk.retire()
    }
}
