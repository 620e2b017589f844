import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// Every file carries its format version: files from before versions open
/// and get stamped, files from a newer build are refused by name.
@Suite struct FormatVersionTests {
    /// A stopped data directory with one table of one item; returns its table's id.
    private static func dataDirectory(_ directory: String) async throws -> String {
        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory, partitionsPerTable: 4))
        let definition = try await engine.createTable(IntegrityCheckTests.definition())
        _ = try await engine.writeItem(table: "checked", key: PrimaryKey(partition: .s("a"), sort: .n(.zero))) { _ in
            ItemWrite(.put(["pk": .s("a"), "sk": .n(.zero), "v": .s("kept")]), result: ())
        }
        await engine.close()
        return definition.id
    }

    /// The catalog, the transaction log and the partition files there are:
    /// a partition's file comes with its first write, so with one item, one.
    private static func files(of directory: String, table id: String) -> [(path: String, kind: FormatVersion.Kind)] {
        [("\(directory)/catalog.sqlite", .catalog), ("\(directory)/transactions.sqlite", .transactionLog)]
            + (0..<4).map { ("\(directory)/tables/\(id)/p\($0).sqlite", .partition) }.filter { FileManager.default.fileExists(atPath: $0.0) }
    }

    private static func version(of path: String) throws -> Int {
        let connection = try SQLiteConnection(path: path)
        defer { connection.close() }
        return try FormatVersion.read(connection)
    }

    private static func setVersion(_ version: Int, of path: String) throws {
        let connection = try SQLiteConnection(path: path)
        defer { connection.close() }
        try connection.execute("PRAGMA user_version = \(version)")
    }

    @Test func newFilesAreStampedWithTheCurrentVersion() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let id = try await Self.dataDirectory(directory)
        let files = Self.files(of: directory, table: id)
        #expect(files.filter { $0.kind == .partition }.count == 1)
        for file in files {
            #expect(try Self.version(of: file.path) == file.kind.current, "\(file.path)")
        }
    }

    /// Files written before versions existed carry 0; they are the same layout.
    @Test func unversionedFilesOpenAndAreStamped() async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let id = try await Self.dataDirectory(directory)
        let files = Self.files(of: directory, table: id)
        for file in files { try Self.setVersion(0, of: file.path) }
        #expect(try files.map { try Self.version(of: $0.path) } == Array(repeating: 0, count: files.count))

        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory))
        #expect(try await engine.item(table: "checked", key: PrimaryKey(partition: .s("a"), sort: .n(.zero)))?["v"] == .s("kept"))
        #expect(try engine.checkIntegrity().findings == [])
        await engine.close()
        for file in files {
            #expect(try Self.version(of: file.path) == file.kind.current, "\(file.path)")
        }
    }

    @Test(arguments: ["catalog.sqlite", "transactions.sqlite", "p3.sqlite"])
    func aFileFromANewerBuildIsRefusedByName(_ name: String) async throws {
        let directory = IntegrityCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let id = try await Self.dataDirectory(directory)
        let relative = name.hasPrefix("p") ? "tables/\(id)/\(name)" : name
        let path = "\(directory)/\(relative)"
        try Self.setVersion(7, of: path)

        let error = try #require(throws: UnsupportedFormatVersion.self) {
            try SQLiteStorageEngine(options: StorageOptions(dataDirectory: directory))
        }
        #expect(error.description == "\(path) has format version 7, but this build of Strata reads at most version 1")
        // Refused before anything wrote to it.
        #expect(try Self.version(of: path) == 7)

        let report = try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: directory)
        #expect(report.findings == [.init(file: path, problem: "has format version 7, but this build of Strata reads at most version 1")])
    }
}
