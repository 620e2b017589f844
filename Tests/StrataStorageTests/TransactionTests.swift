import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// The storage engine's transactions: all or nothing, isolated from each
/// other and from single-item writes, and applied after a crash that
/// struck past the commit point.
@Suite struct TransactionTests {
    struct Cancelled: Error {}

    private static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-tx-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func definition(_ name: String) -> TableDefinition {
        TestTables.hashKeyed(name)
    }

    private static func account(_ name: String, balance: Int) -> Item {
        ["pk": .s(name), "balance": .n(DynamoNumber(balance))]
    }

    private static func balance(_ item: Item?) -> Int? {
        guard case .n(let number)? = item?["balance"] else { return nil }
        return Int(number.description)
    }

    private static func withBalance(_ item: Item, _ balance: Int) -> Item {
        var item = item
        item["balance"] = .n(DynamoNumber(balance))
        return item
    }

    /// Adds one to the balance of every item.
    private static func increment(_ current: [CurrentItem]) throws -> [ItemAction] {
        try current.map { current in
            let item = try current.item()!
            return .put(withBalance(item, balance(item)! + 1))
        }
    }

    private static func engine(_ directory: String? = nil, halt: Bool = false) throws -> SQLiteStorageEngine {
        var options = StorageOptions(dataDirectory: directory, partitionsPerTable: 4)
        options.haltTransactionsAfterCommit = halt
        let engine = try SQLiteStorageEngine(options: options)
        return engine
    }

    /// Moves `amount` from the first target's balance to the second's, the
    /// way a bank transfer does, unless that would leave it negative.
    private static func transfer(_ amount: Int, _ targets: [TransactionTarget], in engine: SQLiteStorageEngine) async throws {
        _ = try await engine.writeTransaction(targets, token: nil) { current in
            let from = try current[0].item(), to = try current[1].item()
            guard let fromBalance = balance(from), let toBalance = balance(to), fromBalance >= amount else { throw Cancelled() }
            return [.put(withBalance(from!, fromBalance - amount)), .put(withBalance(to!, toBalance + amount))]
        }
    }

    private static func setUp(_ engine: SQLiteStorageEngine, accounts: [(table: String, name: String)], balance: Int) async throws {
        for table in Set(accounts.map(\.table)) where engine.table(named: table) == nil {
            _ = try await engine.createTable(definition(table))
        }
        for account in accounts {
            let item = Self.account(account.name, balance: balance)
            _ = try await engine.writeItem(table: account.table, key: PrimaryKey(partition: .s(account.name))) { _ in
                ItemWrite(.put(item), result: 0)
            }
        }
    }

    private static func targets(_ accounts: [(table: String, name: String)]) -> [TransactionTarget] {
        accounts.map { TransactionTarget(table: $0.table, key: PrimaryKey(partition: .s($0.name))) }
    }

    @Test func aWriteTransactionAppliesAllOrNothingAcrossTables() async throws {
        let engine = try Self.engine()
        let accounts = [(table: "a", name: "alice"), (table: "b", name: "bob")]
        try await Self.setUp(engine, accounts: accounts, balance: 100)
        let targets = Self.targets(accounts)

        try await Self.transfer(30, targets, in: engine)
        #expect(try await engine.readTransaction(targets).map(Self.balance) == [70, 130])

        await #expect(throws: Cancelled.self) { try await Self.transfer(500, targets, in: engine) }
        #expect(try await engine.readTransaction(targets).map(Self.balance) == [70, 130])
        #expect(try await engine.statistics(ofTable: "a").itemCount == 1)
        await engine.close()
    }

    @Test func aDeleteAndAKeepInOneTransaction() async throws {
        let engine = try Self.engine()
        let accounts = [(table: "a", name: "x"), (table: "a", name: "y")]
        try await Self.setUp(engine, accounts: accounts, balance: 5)
        let targets = Self.targets(accounts)
        _ = try await engine.writeTransaction(targets, token: nil) { _ in [.delete, .keep] }
        #expect(try await engine.readTransaction(targets).map(Self.balance) == [nil, 5])
        #expect(try await engine.statistics(ofTable: "a").itemCount == 1)
        await engine.close()
    }

    /// Concurrent read-modify-write transactions on the same two items: a
    /// lost update would leave the counters short.
    @Test func concurrentTransactionsNeverLoseAnUpdate() async throws {
        let engine = try Self.engine()
        let accounts = [(table: "a", name: "left"), (table: "b", name: "right")]
        try await Self.setUp(engine, accounts: accounts, balance: 0)
        let targets = Self.targets(accounts)
        let tasks = 8, incrementsPerTask = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var done = 0
                    while done < incrementsPerTask {
                        do {
                            _ = try await engine.writeTransaction(targets, token: nil, Self.increment)
                            done += 1
                        } catch let conflict as TransactionConflict {
                            #expect(!conflict.indices.isEmpty)
                            // Let the holder finish: a retry that never suspends would keep it off the thread pool.
                            await Task.yield()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await engine.readTransaction(targets).map(Self.balance) == [tasks * incrementsPerTask, tasks * incrementsPerTask])
        await engine.close()
    }

    /// Transfers run while read transactions sum both balances: a reader
    /// that saw half a transfer would see money appear or vanish.
    @Test func readTransactionsNeverSeeHalfATransfer() async throws {
        let engine = try Self.engine()
        let accounts = [(table: "a", name: "left"), (table: "b", name: "right")]
        try await Self.setUp(engine, accounts: accounts, balance: 1000)
        let targets = Self.targets(accounts)
        let sums = try await withThrowingTaskGroup(of: [Int].self) { group in
            for direction in 0..<2 {
                group.addTask {
                    let ordered = direction == 0 ? targets : targets.reversed()
                    for _ in 0..<100 {
                        do {
                            try await Self.transfer(7, ordered, in: engine)
                        } catch is TransactionConflict {
                            await Task.yield()
                        } catch is Cancelled {
                        }
                    }
                    return []
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    var sums: [Int] = []
                    for _ in 0..<200 {
                        let balances = try await engine.readTransaction(targets).map { Self.balance($0)! }
                        sums.append(balances.reduce(0, +))
                    }
                    return sums
                }
            }
            return try await group.reduce([], +)
        }
        #expect(sums.count == 400)
        #expect(Set(sums) == [2000])
        await engine.close()
    }

    @Test func aSingleItemWriteToALockedItemConflicts() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let engine = try Self.engine(directory, halt: true)
        let accounts = [(table: "a", name: "alice"), (table: "b", name: "bob")]
        try await Self.setUp(engine, accounts: accounts, balance: 100)
        let targets = Self.targets(accounts)
        // Halting after the commit point keeps the items locked until the record is applied.
        await #expect(throws: DynamoError.self) { try await Self.transfer(10, targets, in: engine) }
        await #expect(throws: DynamoError.transactionConflict("Transaction is ongoing for the item")) {
            try await engine.writeItem(table: "a", key: targets[0].key) { _ in ItemWrite(.delete, result: 0) }
        }
        await #expect(throws: TransactionConflict.self) { try await Self.transfer(10, targets, in: engine) }
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
    }

    /// A crash after the commit point, before any partition applied the
    /// transaction: the next start applies all of it.
    @Test func aTransactionCommittedButNotAppliedIsAppliedAtTheNextStart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let accounts = [(table: "a", name: "alice"), (table: "b", name: "bob")]
        let targets = Self.targets(accounts)

        let crashing = try Self.engine(directory, halt: true)
        try await Self.setUp(crashing, accounts: accounts, balance: 100)
        await #expect(throws: DynamoError.self) { try await Self.transfer(40, targets, in: crashing) }
        #expect(try await crashing.item(table: "a", key: targets[0].key).flatMap(Self.balance) == 100)
        await crashing.close()
        // What the crash left, before a start applies the pending record, is whole.
        #expect(try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory).findings == [])

        let restarted = try Self.engine(directory)
        #expect(try restarted.checkIntegrity().findings == [])
        #expect(try await restarted.readTransaction(targets).map(Self.balance) == [60, 140])
        #expect(try await restarted.statistics(ofTable: "b").itemCount == 1)
        // Applied once: the next start has nothing left to apply.
        try await Self.transfer(10, targets, in: restarted)
        await restarted.close()
        let again = try Self.engine(directory)
        #expect(try again.checkIntegrity().findings == [])
        #expect(try await again.readTransaction(targets).map(Self.balance) == [50, 150])
        await again.close()
    }

    @Test func aClientTokenAppliesItsTransactionOnce() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var engine = try Self.engine(directory)
        let accounts = [(table: "a", name: "alice"), (table: "b", name: "bob")]
        try await Self.setUp(engine, accounts: accounts, balance: 100)
        let targets = Self.targets(accounts)
        let token = TransactionToken(token: "t-1", fingerprint: [1, 2, 3])
        let decide = Self.increment
        #expect(try await engine.writeTransaction(targets, token: token, decide) == .applied)
        #expect(try await engine.writeTransaction(targets, token: token, decide) == .alreadyApplied)
        await #expect(throws: DynamoError.self) {
            try await engine.writeTransaction(targets, token: TransactionToken(token: "t-1", fingerprint: [9]), decide)
        }
        // The token outlives a restart.
        await engine.close()
        engine = try Self.engine(directory)
        #expect(try await engine.writeTransaction(targets, token: token, decide) == .alreadyApplied)
        #expect(try await engine.readTransaction(targets).map(Self.balance) == [101, 101])
        await engine.close()
    }
}
