import Foundation
import StrataModel
@testable import StrataStorage
import Synchronization
import Testing

/// Backups and point-in-time restores, on an injected clock: a restore to
/// any millisecond of the recovery period equals a model of the table at
/// that millisecond (indexes included); a backup taken while transactions
/// run holds each of them whole or not at all; backups outlive a restart;
/// the history goes once nothing needs it.
@Suite struct BackupTests {
    /// A clock that moves only when told.
    final class Clock: Sendable {
        private let milliseconds = Atomic<Int>(1_800_000_000_000)

        var now: Double { Double(milliseconds.load(ordering: .relaxed)) / 1000 }
        var moment: Int { milliseconds.load(ordering: .relaxed) }

        func advance(by delta: Int = 1) {
            milliseconds.add(delta, ordering: .relaxed)
        }

        /// A flag the test's tasks share.
        final class Switch: Sendable {
            let on = Atomic(true)
        }
    }

    static func engine(_ directory: String?, clock: Clock) throws -> SQLiteStorageEngine {
        var options = StorageOptions(dataDirectory: directory, partitionsPerTable: 4)
        options.now = { clock.now }
        return try SQLiteStorageEngine(options: options)
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("strata-backup-\(UUID().uuidString)").path
    }

    /// The restored table's definition, as the API would make it.
    static func target(_ name: String, of source: TableDefinition, moment: Int, backup: String? = nil) -> TableDefinition {
        var target = source
        target.name = name
        target.id = UUID().uuidString.lowercased()
        target.pointInTimeRecovery = nil
        target.restore = RestoreSummary(
            sourceBackupArn: backup, sourceTableArn: source.arn, restoreTime: Double(moment) / 1000, inProgress: true)
        return target
    }

    static func contents(of table: String, in engine: SQLiteStorageEngine) async throws -> [PrimaryKey: Item] {
        var items: [PrimaryKey: Item] = [:]
        var start: PrimaryKey?
        repeat {
            let page = try await engine.scan(table: table, segment: 0, totalSegments: 1, exclusiveStart: start, limit: PageLimit(items: 50))
            for stored in page.items {
                let item = try stored.item()
                let key = PrimaryKey(partition: item["pk"]!, sort: item["sk"])
                items[key] = item
                start = key
            }
            if !page.isTruncated { start = nil }
        } while start != nil
        return items
    }

    @Test(arguments: [true, false])
    func aPointInTimeRestoreEqualsTheTableAtThatMoment(onDisk: Bool) async throws {
        let directory = onDisk ? Self.temporaryDirectory() : nil
        defer { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
        let clock = Clock()
        let engine = try Self.engine(directory, clock: clock)
        _ = try await engine.createTable(IndexSimulationTests.definition())
        var rng = SystemRandomNumberGenerator()
        var model: [PrimaryKey: Item] = [:]
        // Items from before point-in-time recovery was on.
        for _ in 0..<40 {
            let key = IndexSimulationTests.key(&rng), item = IndexSimulationTests.item(key, &rng)
            try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.put(item), result: ()) }
            model[key] = item
        }
        let source = try await engine.updateTable(named: "indexed") {
            $0.pointInTimeRecovery = PointInTimeRecovery(enabledAt: clock.now, periodDays: 1)
        }
        // The model after each write, by the write's millisecond.
        var states: [(moment: Int, items: [PrimaryKey: Item])] = [(clock.moment, model)]
        for _ in 0..<300 {
            clock.advance(by: Int.random(in: 1...3, using: &rng))
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...5:
                let key = IndexSimulationTests.key(&rng), item = IndexSimulationTests.item(key, &rng)
                try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.put(item), result: ()) }
                model[key] = item
            case 6...7:
                let key = IndexSimulationTests.key(&rng)
                try await engine.writeItem(table: "indexed", key: key) { _ in ItemWrite(.delete, result: ()) }
                model[key] = nil
            default:
                var keys: [PrimaryKey] = []
                for _ in 0..<Int.random(in: 2...4, using: &rng) {
                    let key = IndexSimulationTests.key(&rng)
                    if !keys.contains(key) { keys.append(key) }
                }
                let items = keys.map { key in Bool.random() ? IndexSimulationTests.item(key, &rng) : nil }
                _ = try await engine.writeTransaction(keys.map { TransactionTarget(table: "indexed", key: $0) }, token: nil) { _ in
                    items.map { $0.map { .put($0) } ?? .delete }
                }
                for (key, item) in zip(keys, items) { model[key] = item }
            }
            states.append((clock.moment, model))
        }
        clock.advance()
        let chosen = [states[0], states[1], states[states.count / 2], states[states.count - 2], states[states.count - 1]]
        for (position, state) in chosen.enumerated() {
            let name = "restored\(position)"
            var target = Self.target(name, of: source, moment: state.moment)
            target.name = name
            _ = try await engine.restoreTable(target, from: "indexed", at: state.moment)
            await engine.settleBackupWork()
            #expect(engine.table(named: name)?.restore?.inProgress == false)
            #expect(try await Self.contents(of: name, in: engine) == state.items, "restore to state \(position)")
            try await IndexSimulationTests.expectIndexes(of: engine, toMatch: state.items, definition: target, table: name)
        }
        // Outside the period: refused.
        await #expect(throws: DynamoError.invalidRestoreTime("Restore time is out of range")) {
            _ = try await engine.restoreTable(Self.target("early", of: source, moment: states[0].moment - 1), from: "indexed", at: states[0].moment - 1)
        }
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
    }

    /// Transactions move one unit between two keys of different
    /// partitions while backups are taken: every backup's total is whole.
    @Test func aBackupNeverHoldsHalfATransaction() async throws {
        let clock = Clock()
        let engine = try Self.engine(nil, clock: clock)
        _ = try await engine.createTable(TestTables.hashKeyed("bank"))
        let accounts = (0..<8).map { PrimaryKey(partition: .s("account\($0)"), sort: nil) }
        for key in accounts {
            try await engine.writeItem(table: "bank", key: key) { _ in ItemWrite(.put(["pk": key.partition, "balance": .n(DynamoNumber(100))]), result: ()) }
        }
        let running = Clock.Switch()
        // Four clients: transactions are often between their commit point
        // and their last partition when a backup fixes its moment.
        let transfers = (0..<4).map { _ in
            Task {
                var rng = SystemRandomNumberGenerator()
                var done = 0
                while running.on.load(ordering: .relaxed) {
                    let from = accounts.randomElement(using: &rng)!, to = accounts.randomElement(using: &rng)!
                    guard from != to else { continue }
                    do {
                        _ = try await engine.writeTransaction([.init(table: "bank", key: from), .init(table: "bank", key: to)], token: nil) { current in
                            let balances = try current.map { try Self.balance(of: $0.item()) }
                            return [
                                .put(["pk": from.partition, "balance": .n(DynamoNumber(balances[0] - 1))]),
                                .put(["pk": to.partition, "balance": .n(DynamoNumber(balances[1] + 1))]),
                            ]
                        }
                        done += 1
                    } catch is TransactionConflict {}
                    clock.advance()
                }
                return done
            }
        }
        var backups: [BackupRecord] = []
        for number in 0..<30 {
            backups.append(try await engine.createBackup(table: "bank", name: "backup\(number)"))
            await Task.yield()
        }
        running.on.store(false, ordering: .relaxed)
        for transfer in transfers { #expect(try await transfer.value > 0) }
        await engine.settleBackupWork()
        for (number, backup) in backups.enumerated() {
            let name = "restored\(number)"
            _ = try await engine.restoreTable(Self.target(name, of: backup.table, moment: backup.moment, backup: backup.arn), fromBackup: backup.arn)
            await engine.settleBackupWork()
            let restored = try await Self.contents(of: name, in: engine)
            #expect(restored.count == accounts.count)
            #expect(try restored.values.reduce(0) { $0 + (try Self.balance(of: $1)) } == 800, "backup \(number)")
        }
        await engine.close()
    }

    static func balance(of item: Item?) throws -> Int {
        guard case .n(let number)? = item?["balance"], let value = Int(number.description) else { throw DynamoError.validation("no balance") }
        return value
    }

    @Test func backupsOutliveARestartAndHistoryGoesWhenNothingNeedsIt() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = Clock()
        var engine = try Self.engine(directory, clock: clock)
        let table = try await engine.createTable(TestTables.hashKeyed("kept"))
        for n in 0..<20 {
            let key = PrimaryKey(partition: .s("k\(n)"), sort: nil)
            try await engine.writeItem(table: "kept", key: key) { _ in ItemWrite(.put(["pk": key.partition, "n": .n(DynamoNumber(n))]), result: ()) }
        }
        let backup = try await engine.createBackup(table: "kept", name: "before")
        // Changes after the backup's moment are not in it.
        clock.advance()
        try await engine.writeItem(table: "kept", key: PrimaryKey(partition: .s("k0"), sort: nil)) { _ in ItemWrite(.delete, result: ()) }
        await engine.settleBackupWork()
        #expect(engine.backups().map(\.status) == [.available])
        #expect(engine.backups().first?.itemCount == 20)
        // Nothing keeps history now: the trimmer removes what the backup needed.
        #expect(await engine.trimHistory(now: clock.now) == 1)
        #expect(await engine.trimHistory(now: clock.now) == 0)

        await engine.close()
        engine = try Self.engine(directory, clock: clock)
        #expect(engine.backups().map(\.arn) == [backup.arn])
        _ = try await engine.restoreTable(Self.target("again", of: table, moment: backup.moment, backup: backup.arn), fromBackup: backup.arn)
        await engine.settleBackupWork()
        #expect(try await Self.contents(of: "again", in: engine).count == 20)
        // A deleted backup is gone for good.
        #expect(try await engine.deleteBackup(arn: backup.arn).status == .deleted)
        await #expect(throws: DynamoError.backupNotFound("Backup not found: \(backup.arn)")) { _ = try await engine.deleteBackup(arn: backup.arn) }
        #expect(try FileSystem.contents(of: DataDirectory(path: directory).backups).isEmpty)

        // With point-in-time recovery, the history older than the period goes.
        _ = try await engine.updateTable(named: "kept") { $0.pointInTimeRecovery = PointInTimeRecovery(enabledAt: clock.now, periodDays: 1) }
        try await engine.writeItem(table: "kept", key: PrimaryKey(partition: .s("k1"), sort: nil)) { _ in ItemWrite(.delete, result: ()) }
        #expect(await engine.trimHistory(now: clock.now) == 0)
        clock.advance(by: 86_400_000 + 1)
        #expect(await engine.trimHistory(now: clock.now) == 1)
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
    }
}
