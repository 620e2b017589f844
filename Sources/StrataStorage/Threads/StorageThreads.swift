/// The engine's two kinds of threads. Requests run on a few hot threads,
/// one per core, and read there (opening a closed partition's files there
/// too); they ask for short time slices, so that one that wakes for a
/// request runs ahead of threads busy computing. Long work (Scan pages,
/// creating and removing table directories, checkpoints) runs on threads of
/// its own at the lowest priority (nice 19), so that a full Scan never
/// takes a thread, or much of a core, from a GetItem.
struct StorageThreads: Sendable {
    let requests: StorageExecutor
    let bulk: StorageExecutor

    init(options: StorageOptions) {
        requests = StorageExecutor(maximumThreads: options.requestThreads, priority: .latencySensitive)
        bulk = StorageExecutor(maximumThreads: options.bulkThreads, priority: .background)
    }

    func retire() {
        requests.retire()
        bulk.retire()
    }
}
