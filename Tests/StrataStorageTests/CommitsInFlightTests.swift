import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// What a backup waits for when it fixes its moment: the transactions in
/// flight then, and not those that begin afterwards; and the lock that
/// keeps a second engine off a data directory in use.
@Suite struct CommitsInFlightTests {
    @Test func settleWaitsForThoseInFlightThenAndNoOthers() async {
        let inFlight = CommitsInFlight()
        await inFlight.settle()  // none: at once
        let first = inFlight.begin(), second = inFlight.begin()
        let settled = Task { await inFlight.settle() }
        // The wait has taken its list before the next transaction begins.
        while inFlight.waiting == 0 { await Task.yield() }
        let later = inFlight.begin()
        inFlight.end(first)
        #expect(inFlight.waiting == 1, "still waiting for the second")
        inFlight.end(second)
        // Released although `later` is still in flight.
        #expect(inFlight.waiting == 0)
        inFlight.end(later)
        await settled.value
        await inFlight.settle()
    }

    @Test func aSecondEngineOnTheSameDirectoryIsRefusedUntilTheFirstCloses() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory))
        #expect(throws: DynamoError.self) { _ = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory)) }
        await first.close()
        let second = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory))
        await second.close()
    }
}
