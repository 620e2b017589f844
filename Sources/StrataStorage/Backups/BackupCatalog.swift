import Synchronization

/// The engine's backups, by ARN, as their files hold them. An in-memory
/// engine's backups live in in-memory databases, kept open here: closing
/// the last connection would drop them.
final class BackupCatalog: Sendable {
    private struct Entry {
        var record: BackupRecord
        var keeper: BackupFile?
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Copies and loads running in the background, by a number of their own.
    private let work = Mutex<(next: Int, tasks: [Int: Task<Void, Never>])>((0, [:]))

    var all: [BackupRecord] {
        entries.withLock { $0.values.map(\.record) }
    }

    func record(_ arn: String) -> BackupRecord? {
        entries.withLock { $0[arn]?.record }
    }

    /// Adds a new backup, or changes a known one.
    func save(_ record: BackupRecord, keeping file: BackupFile?) {
        entries.withLock { entries in
            let keeper = entries[record.arn]?.keeper ?? file
            entries[record.arn] = Entry(record: record, keeper: keeper)
        }
    }

    /// Runs `body` in the background on `executor`, as work `settle` waits for.
    func run(on executor: any TaskExecutor, _ body: @escaping @Sendable () async -> Void) {
        work.withLock { work in
            work.next += 1
            let number = work.next
            work.tasks[number] = Task(executorPreference: executor) { [weak self] in
                await body()
                _ = self?.work.withLock { $0.tasks.removeValue(forKey: number) }
            }
        }
    }

    /// Returns once every copy and load started so far has ended.
    func settle() async {
        let tasks = work.withLock { Array($0.tasks.values) }
        for task in tasks { await task.value }
    }

    /// Forgets a backup; applies `check` to it first, under the lock, so
    /// that a backup in use stays.
    func remove(_ arn: String, if check: (BackupRecord) throws -> Void) throws -> BackupRecord? {
        try entries.withLock { entries in
            guard let entry = entries[arn] else { return nil }
            try check(entry.record)
            entries[arn] = nil
            return entry.record
        }
    }
}
