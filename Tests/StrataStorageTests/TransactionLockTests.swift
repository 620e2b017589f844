import Foundation
import StrataModel
import Testing
@testable import StrataStorage

/// A read transaction waits for a writer only so long: a writer that failed
/// past its commit point holds its items until the next start.
@Suite struct TransactionLockTests {
    private static let key = TransactionLocks.Key(table: "t", key: [1])
    private static let free = TransactionLocks.Key(table: "t", key: [2])

    @Test func aReaderGivesUpOnAHeldItemAfterTheBound() async throws {
        let locks = TransactionLocks()
        #expect(await locks.lockForWriting([Self.key]) == nil)
        await #expect(throws: TransactionConflict.self) {
            try await locks.lockForReading([Self.free, Self.key], waitingAtMost: .milliseconds(20))
        }
        do {
            try await locks.lockForReading([Self.free, Self.key], waitingAtMost: .zero)
            Issue.record("the read should have given up")
        } catch {
            #expect(error.indices == [1])
        }
        // Giving up leaves nothing locked: the free key is still free for a writer.
        #expect(await locks.lockForWriting([Self.free]) == nil)
    }

    @Test func aReaderGetsTheItemOnceTheWriterFinishes() async throws {
        let locks = TransactionLocks()
        #expect(await locks.lockForWriting([Self.key]) == nil)
        let reader = Task { try await locks.lockForReading([Self.key], waitingAtMost: .seconds(600)) }
        locks.unlockWriting([Self.key])
        try await reader.value
        locks.unlockReading([Self.key])
        #expect(await locks.lockForWriting([Self.key]) == nil)
    }

    @Test func aTransactGetOfItemsAFailedTransactionHoldsIsCancelled() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-locks-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = StorageOptions(dataDirectory: directory, partitionsPerTable: 2)
        options.haltTransactionsAfterCommit = true
        options.transactionReadWait = .milliseconds(50)
        let engine = try SQLiteStorageEngine(options: options)
        _ = try await engine.createTable(TableDefinition(
            name: "a", id: UUID().uuidString.lowercased(), arn: "arn:test", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "pk", type: .string), sortKey: nil),
            attributeDefinitions: [KeyAttribute(name: "pk", type: .string)], billingMode: .payPerRequest, throughput: nil))
        let targets = ["x", "y"].map { TransactionTarget(table: "a", key: PrimaryKey(partition: .s($0))) }
        // The transaction commits, then halts as if its apply failed: its items stay locked.
        await #expect(throws: DynamoError.self) {
            try await engine.writeTransaction(targets, token: nil) { _ in [.put(["pk": .s("x")]), .put(["pk": .s("y")])] }
        }
        do {
            _ = try await engine.readTransaction(targets)
            Issue.record("the read should have been cancelled")
        } catch let conflict as TransactionConflict {
            #expect(conflict.indices == [0, 1])
        }
        await engine.close()
    }
}
