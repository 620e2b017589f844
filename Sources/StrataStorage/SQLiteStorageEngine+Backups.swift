import StrataModel

/// Backups and point-in-time recovery. A table's partitions keep a
/// history of the images their changes replaced, while point-in-time
/// recovery is on or a backup is being taken (`HistoryTable`). A copy of
/// the table "as of" a moment reads the items as they stand, page by page
/// while writes go on, then undoes every change made after the moment:
/// what a backup file holds. A point-in-time restore makes such a copy for
/// a past moment, which the history since then allows, and loads it into
/// the new table as a restore from a backup does.
extension SQLiteStorageEngine {
    /// Items or changes one read of a copy or a load handles.
    static var copyPage: Int { 1024 }

    public var offersBackups: Bool { true }

    public func createBackup(table: String, name: String) async throws -> BackupRecord {
        let entry = try backupSource(table)
        let now = options.now()
        let id = BackupRecord.newID(now: now)
        let (ticket, moment) = await fixMoment(of: entry)
        let record = BackupRecord(
            arn: "\(entry.definition.arn)/backup/\(id)", name: name, table: entry.definition, created: now, moment: moment,
            status: .creating, kind: .user)
        let file: BackupFile
        do {
            file = try await withTaskExecutorPreference(threads.bulk) { try newBackupFile(id: id) }
            try file.save(record)
        } catch {
            releaseHold(ticket, of: entry)
            throw DynamoError.internalFailure("Could not create the backup's file: \(error)")
        }
        backupCatalog.save(record, keeping: options.dataDirectory == nil ? file : nil)
        backupCatalog.run(on: threads.bulk) { await self.finish(record, in: file, copying: entry, ticket: ticket) }
        return record
    }

    /// Copies the table into a new backup's file; the backup is then
    /// AVAILABLE, or gone if the copy failed.
    private func finish(_ backup: BackupRecord, in file: BackupFile, copying entry: Entry, ticket: Int) async {
        defer { releaseHold(ticket, of: entry) }
        var record = backup
        do {
            let statistics = try await copy(entry, at: record.moment, into: file)
            record.itemCount = statistics.itemCount
            record.sizeBytes = statistics.sizeBytes
            record.status = .available
            try file.save(record)
            backupCatalog.save(record, keeping: nil)
        } catch {
            options.logger.error("A backup failed", metadata: ["backup": "\(record.arn)", "error": "\(error)"])
            _ = try? backupCatalog.remove(record.arn) { _ in }
            removeBackupFile(id: record.id)
        }
    }

    public func backups() -> [BackupRecord] {
        backupCatalog.all.filter { $0.kind == .user }
    }

    public func deleteBackup(arn: String) async throws -> BackupRecord {
        let removed = try backupCatalog.remove(arn) { record in
            guard record.kind == .user else { throw DynamoError.backupNotFound("Backup not found: \(arn)") }
            if record.status == .creating { throw DynamoError.backupInUse("Backup is being created: \(arn)") }
            if restoring(fromBackup: arn) { throw DynamoError.backupInUse("Backup is being restored: \(arn)") }
        }
        guard var record = removed else { throw DynamoError.backupNotFound("Backup not found: \(arn)") }
        await withTaskExecutorPreference(threads.bulk) { removeBackupFile(id: record.id) }
        record.status = .deleted
        return record
    }

    public func restoreTable(_ target: TableDefinition, fromBackup arn: String) async throws -> TableDefinition {
        guard let record = backupCatalog.record(arn), record.kind == .user else {
            throw DynamoError.backupNotFound("Backup not found: \(arn)")
        }
        guard record.status == .available else { throw DynamoError.backupInUse("Backup is being created: \(arn)") }
        let created = try await createRestoredTable(target)
        backupCatalog.run(on: threads.bulk) { await self.load(record, into: target.name, dropping: false) }
        return created
    }

    public func restoreTable(_ target: TableDefinition, from source: String, at moment: Int) async throws -> TableDefinition {
        let entry = try backupSource(source)
        try checkRestorable(entry, at: moment)
        let now = options.now()
        let ticket = historyHolds.hold(entry.definition.id, after: moment)
        let created: TableDefinition
        do {
            created = try await createRestoredTable(target)
        } catch {
            releaseHold(ticket, of: entry)
            throw error
        }
        backupCatalog.run(on: threads.bulk) {
            let id = BackupRecord.newID(now: now)
            let record = BackupRecord(
                arn: "\(entry.definition.arn)/backup/\(id)", name: target.name, table: entry.definition, created: now,
                moment: moment, status: .creating, kind: .system)
            do {
                await self.transactions.inFlight.settle()
                let file = try self.newBackupFile(id: id)
                try file.save(record)
                _ = try await self.copy(entry, at: moment, into: file)
                var copied = record
                copied.status = .available
                try file.save(copied)
                self.releaseHold(ticket, of: entry)
                self.backupCatalog.save(copied, keeping: self.options.dataDirectory == nil ? file : nil)
                await self.load(copied, into: target.name, dropping: true)
            } catch {
                self.releaseHold(ticket, of: entry)
                self.options.logger.error("A point-in-time restore failed; its table goes", metadata: ["table": "\(target.name)", "error": "\(error)"])
                _ = try? self.backupCatalog.remove(record.arn) { _ in }
                self.removeBackupFile(id: id)
                _ = try? await self.deleteTable(named: target.name)
            }
        }
        return created
    }

    /// Returns once every backup and restore started so far is done.
    package func settleBackupWork() async {
        await backupCatalog.settle()
    }

    /// Point-in-time recovery reaches `moment` on the table.
    private func checkRestorable(_ entry: Entry, at moment: Int) throws {
        guard let recovery = entry.definition.pointInTimeRecovery else {
            throw DynamoError.pointInTimeRecoveryUnavailable("Point in time recovery is not enabled for table '\(entry.definition.name)'")
        }
        let now = options.now()
        guard moment >= Self.milliseconds(recovery.earliestRestorable(now: now)), moment <= Self.milliseconds(now) else {
            throw DynamoError.invalidRestoreTime("Restore time is out of range")
        }
    }

    public func readTable(_ name: String, at moment: Int?, _ consume: ([StoredItem]) throws -> Void) async throws {
        let entry = try backupSource(name)
        let (ticket, fixed): (Int, Int)
        if let moment {
            try checkRestorable(entry, at: moment)
            (ticket, fixed) = (historyHolds.hold(entry.definition.id, after: moment), moment)
            await transactions.inFlight.settle()
        } else {
            (ticket, fixed) = await fixMoment(of: entry)
        }
        defer { releaseHold(ticket, of: entry) }
        let id = BackupRecord.newID(now: options.now())
        defer { removeBackupFile(id: id) }
        try await withTaskExecutorPreference(threads.bulk) {
            let file = try newBackupFile(id: id)
            _ = try await copy(entry, at: fixed, into: file)
            var after: [UInt8]?
            while true {
                let page = try file.items(after: after, limit: Self.copyPage)
                try consume(page.map(\.item))
                guard page.count == Self.copyPage, let last = page.last else { return }
                after = last.key
            }
        }
    }

    public func putItems(_ items: [(key: PrimaryKey, item: StoredItem)], table name: String) async throws {
        try await Self.write(items.map { (KeyEncoding.encode($0.key), $0.item) }, into: store(named: name))
    }

    // MARK: History

    /// Turns point-in-time recovery's history on before the catalog says it is on.
    func prepareHistory(_ record: inout CatalogRecord, of entry: Entry) {
        guard let recovery = record.definition.pointInTimeRecovery, entry.definition.pointInTimeRecovery == nil else { return }
        historyHolds.noteKept(entry.definition.id)
        entry.indexing.update { $0.keepsHistory = true }
        // Every change from now on is in the history.
        record.definition.pointInTimeRecovery = PointInTimeRecovery(enabledAt: max(recovery.enabledAt, options.now()), periodDays: recovery.periodDays)
    }

    /// Whether the table's writes must record history.
    func keepsHistory(_ definition: TableDefinition) -> Bool {
        definition.pointInTimeRecovery != nil || historyHolds.isHeld(definition.id)
    }

    /// Starts keeping history for a copy as of now, and fixes the moment,
    /// so that no transaction is in the copy by halves:
    ///
    /// - the moment is the millisecond before the clock's, so that a
    ///   transaction at or before it took its commit point before the
    ///   moment was read, and registered in flight before the wait below;
    /// - the wait lets every transaction in flight reach all of its
    ///   partitions before the copy reads them;
    /// - a transaction whose commit point found the history off holds no
    ///   change the copy could undo, and was in flight before history was
    ///   on: the wait covers it too, so the copy has it whole.
    private func fixMoment(of entry: Entry) async -> (ticket: Int, moment: Int) {
        let ticket = historyHolds.hold(entry.definition.id, after: Self.milliseconds(options.now()) - 1)
        entry.indexing.update { $0.keepsHistory = true }
        let moment = Self.milliseconds(options.now()) - 1
        historyHolds.move(ticket, of: entry.definition.id, to: moment)
        await transactions.inFlight.settle()
        return (ticket, moment)
    }

    private func releaseHold(_ ticket: Int, of entry: Entry) {
        historyHolds.release(ticket, of: entry.definition.id)
        let current = tables.withLock { $0.entries[entry.definition.name] }
        let keeps = current.map { keepsHistory($0.definition) } ?? false
        entry.indexing.update { $0.keepsHistory = keeps }
    }

    /// Deletes the history no point-in-time restore or copy can need:
    /// changes older than the recovery period, or all of them once
    /// nothing keeps history; returns how many.
    @discardableResult
    public func trimHistory(now: Double) async -> Int {
        let kept = historyHolds.kept
        let entries = tables.withLock { $0.entries.values.filter { kept.contains($0.definition.id) } }
        var trimmed = 0
        for entry in entries {
            let id = entry.definition.id
            // Without point-in-time recovery or a hold, none of it.
            let needed = entry.definition.pointInTimeRecovery.map { Self.milliseconds($0.earliestRestorable(now: now)) } ?? Int.max
            let cutoff = min(needed, historyHolds.earliest(id) ?? needed)
            do {
                for partition in entry.store.partitions {
                    trimmed += try await Self.drain(partition) {
                        let count = try $0.trimHistory(before: cutoff, limit: Self.walkPage)
                        return (count, count)
                    }
                }
                if entry.definition.pointInTimeRecovery == nil { historyHolds.forget(id) }
            } catch {
                options.logger.debug("History trim stopped", metadata: ["table": "\(entry.definition.name)", "error": "\(error)"])
            }
        }
        return trimmed
    }

    func trimHistoryUntilClosed() async {
        await repeatUntilClosed(every: options.streamTrimInterval) { await trimHistory(now: options.now()) }
    }

    // MARK: Copies

    /// Copies the table's items as they were at `moment` into `file`: each
    /// partition's items as they stand, then its changes since undone;
    /// returns what the finished copy holds.
    private func copy(_ entry: Entry, at moment: Int, into file: BackupFile) async throws -> PartitionStatistics {
        let limit = Self.copyPage
        for partition in entry.store.partitions {
            var after: [UInt8]?
            while true {
                let start = after
                let page = try await partition.bulkRead { try ItemsTable.storedPage(after: start, limit: limit, on: $0) } ?? []
                try file.add(page)
                guard page.count == limit, let last = page.last else { break }
                after = last.key
            }
            var from = 0
            while true {
                let start = from
                let changes = try await partition.bulkRead { try HistoryTable.changes(after: moment, from: start, limit: limit, on: $0) } ?? []
                try file.undo(changes)
                guard changes.count == limit, let last = changes.last else { break }
                from = last.sequence + 1
            }
        }
        return try file.finish()
    }

    // MARK: Restores

    private func createRestoredTable(_ target: TableDefinition) async throws -> TableDefinition {
        do {
            return try await createTable(target)
        } catch DynamoError.resourceInUse {
            throw DynamoError.tableAlreadyExists("Table already exists: \(target.name)")
        }
    }

    /// Writes the backup's items into the restored table, a page at a
    /// time, each partition's share through its writer (indexes and all);
    /// then the restore is done. `dropping`: the backup was made for this
    /// restore alone, and goes after it.
    func load(_ backup: BackupRecord, into table: String, dropping: Bool) async {
        do {
            let file = try openBackupFile(id: backup.id)
            let store = try store(named: table)
            var after: [UInt8]?
            while true {
                let page = try file.items(after: after, limit: Self.copyPage)
                try await Self.write(page, into: store)
                guard page.count == Self.copyPage, let last = page.last else { break }
                after = last.key
            }
            _ = try await changeRecord(named: table) { record, _ in record.definition.restore?.inProgress = false }
            if dropping {
                _ = try? backupCatalog.remove(backup.arn) { _ in }
                removeBackupFile(id: backup.id)
            }
        } catch {
            // A table left CREATING for good would help no one.
            options.logger.error("A restore failed; its table goes", metadata: ["table": "\(table)", "backup": "\(backup.arn)", "error": "\(error)"])
            _ = try? await deleteTable(named: table)
        }
    }

    private static func write(_ items: [(key: [UInt8], item: StoredItem)], into store: TableStore) async throws {
        var shares: [ObjectIdentifier: (Partition, [(key: [UInt8], item: StoredItem)])] = [:]
        for item in items {
            let partition = store.partition(forEncodedKey: item.key)
            shares[ObjectIdentifier(partition), default: (partition, [])].1.append(item)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (partition, share) in shares.values {
                group.addTask {
                    try await partition.write { transaction in
                        for (key, item) in share { try transaction.put(key, item, replacingSize: try transaction.currentSize(key)) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Whether a table is being restored from backup `arn`.
    private func restoring(fromBackup arn: String) -> Bool {
        tables.withLock { tables in
            tables.entries.values.contains { $0.definition.restore?.inProgress == true && $0.definition.restore?.sourceBackupArn == arn }
        }
    }

    /// The table a backup or point-in-time restore copies: not one still being restored.
    private func backupSource(_ name: String) throws -> Entry {
        guard let entry = tables.withLock({ $0.entry(name) }) else { throw DynamoError.tableNotFound("Table not found: \(name)") }
        if entry.definition.restore?.inProgress == true { throw DynamoError.tableInUse("Table is being restored: \(name)") }
        return entry
    }

    // MARK: Files

    private func backupLocation(id: String) -> DatabaseLocation {
        if let directory = options.dataDirectory { return .file(DataDirectory(path: directory).backup(id: id)) }
        return .memory(name: "strata-\(instance)-backup-\(id)")
    }

    private func newBackupFile(id: String) throws -> BackupFile {
        if let directory = options.dataDirectory { try FileSystem.createDirectories(DataDirectory(path: directory).backups) }
        return try BackupFile(location: backupLocation(id: id))
    }

    private func openBackupFile(id: String) throws -> BackupFile {
        try BackupFile(location: backupLocation(id: id))
    }

    private func removeBackupFile(id: String) {
        guard let directory = options.dataDirectory else { return }
        let path = DataDirectory(path: directory).backup(id: id)
        for suffix in ["", "-wal", "-shm"] { try? FileSystem.remove(path + suffix) }
    }

    /// At start-up: reads every backup file (one a stop cut short goes),
    /// and finishes the restores a stop interrupted. A point-in-time
    /// restore whose copy was not done has nothing to load: its table goes.
    func resumeBackupWork() throws {
        if let directory = options.dataDirectory {
            let files = DataDirectory(path: directory)
            try FileSystem.createDirectories(files.backups)
            for name in try FileSystem.contents(of: files.backups) where name.hasSuffix(".sqlite") {
                let id = String(name.dropLast(".sqlite".count))
                if let record = try? BackupFile(location: .file(files.backup(id: id))).record, record.status == .available {
                    backupCatalog.save(record, keeping: nil)
                } else {
                    removeBackupFile(id: id)
                }
            }
        }
        let restoring = tables.withLock { $0.entries.values.filter { $0.definition.restore?.inProgress == true }.map(\.definition) }
        let backups = backupCatalog.all
        for table in restoring {
            let source = backups.first { backup in
                if let arn = table.restore?.sourceBackupArn { backup.arn == arn } else { backup.kind == .system && backup.name == table.name }
            }
            backupCatalog.run(on: threads.bulk) {
                if let source {
                    await self.load(source, into: table.name, dropping: source.kind == .system)
                } else {
                    self.options.logger.warning("A point-in-time restore was cut short; its table goes", metadata: ["table": "\(table.name)"])
                    _ = try? await self.deleteTable(named: table.name)
                }
            }
        }
        for backup in backups where backup.kind == .system && !restoring.contains(where: { $0.name == backup.name }) {
            _ = try? backupCatalog.remove(backup.arn) { _ in }
            removeBackupFile(id: backup.id)
        }
    }

    /// Milliseconds since 1970, to the nearest: a clock's seconds are
    /// not exact in binary, and a millisecond must not turn into the one before.
    static func milliseconds(_ seconds: Double) -> Int {
        Int((seconds * 1000).rounded())
    }
}
