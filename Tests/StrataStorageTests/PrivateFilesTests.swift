import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// What the engine creates is its user's alone: directories 0700, every
/// database file (and SQLite's `-wal` beside it) 0600. A data
/// directory that already exists keeps its mode.
@Suite struct PrivateFilesTests {
    /// The permission bits of everything under `directory`, and whether it is a directory.
    private static func modes(under directory: String) throws -> [String: (mode: Int, isDirectory: Bool)] {
        var modes: [String: (mode: Int, isDirectory: Bool)] = [:]
        let manager = FileManager.default
        for name in try manager.subpathsOfDirectory(atPath: directory) {
            let attributes = try manager.attributesOfItem(atPath: directory + "/" + name)
            modes[name] = ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1, attributes[.type] as? FileAttributeType == .typeDirectory)
        }
        return modes
    }

    private static func mode(of path: String) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    private static func fill(_ engine: SQLiteStorageEngine) async throws {
        _ = try await engine.createTable(IntegrityCheckTests.definition())
        for index in 0..<20 {
            _ = try await engine.writeItem(table: "checked", key: PrimaryKey(partition: .s("k\(index)"), sort: .n(.zero))) { _ in
                ItemWrite(.put(["pk": .s("k\(index)"), "sk": .n(.zero)]), result: ())
            }
        }
    }

    @Test func aNewDataDirectoryAndItsFilesArePrivate() async throws {
        let parent = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/data"
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        try await Self.fill(engine)
        // While the engine runs, with the write-ahead logs there; their
        // index is in memory, with no -shm file (`SQLiteConnection.fileSystem`).
        let modes = try Self.modes(under: directory)
        #expect(modes.keys.contains { $0.hasSuffix("-wal") })
        #expect(!modes.keys.contains { $0.hasSuffix("-shm") })
        for (name, entry) in modes {
            #expect(entry.mode == (entry.isDirectory ? 0o700 : 0o600), "\(name): \(String(entry.mode, radix: 8))")
        }
        #expect(try Self.mode(of: directory) == 0o700)
        await engine.close()
    }

    @Test func anExistingDataDirectoryKeepsItsMode() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 2))
        try await Self.fill(engine)
        #expect(try Self.mode(of: directory) == 0o755)
        #expect(try Self.modes(under: directory)["catalog.sqlite"]?.mode == 0o600)
        await engine.close()
    }
}
