import Foundation
import StrataModel
import StrataStorage
import Testing

/// The lock that keeps a second engine off a data directory in use.
@Suite struct DirectoryLockTests {
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
