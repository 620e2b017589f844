import Foundation
@testable import StrataStorage
import Testing

/// The pieces of exports and imports: the whole-file MD5 a manifest
/// records (against known digests and md5sum's), gzip files written a
/// piece at a time and read back a line at a time (several gzip members,
/// CRLF, a last line without its end), and the files an import reads.
@Suite struct ExportFileTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6"),
        (String(repeating: "a", count: 1000), "cabe45dcc9ae5b66ba86600cca6b8ba8"),
    ])
    func theHasherGivesMD5sDigest(text: String, digest: String) {
        var whole = MD5.Hasher()
        whole.update(Array(text.utf8))
        #expect(Self.hex(whole.finish()) == digest)
        // The same in uneven pieces.
        var pieces = MD5.Hasher()
        var rest = Array(text.utf8)[...]
        var size = 1
        while !rest.isEmpty {
            pieces.update(rest.prefix(size))
            rest = rest.dropFirst(size)
            size = size * 3 % 97 + 1
        }
        #expect(Self.hex(pieces.finish()) == digest)
    }

    @Test(arguments: [true, false])
    func linesWrittenThroughGzipReadBackWhole(gzip: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/lines.gz"
        let lines = (0..<50_000).map { "line \($0) " + String(repeating: "x", count: $0 % 300) }
        let writer = try CompressedFileWriter(path: path, gzip: gzip)
        for line in lines { try writer.write(Array((line + "\n").utf8)) }
        let digest = try writer.finish()
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var hasher = MD5.Hasher()
        hasher.update(written)
        #expect(digest == hasher.finish())
        #expect((written.prefix(2) == [0x1F, 0x8B]) == gzip)

        let reader = try LineReader(path: path, gzip: nil)
        var read: [String] = []
        while let line = try reader.next() { read.append(String(decoding: line, as: UTF8.self)) }
        #expect(read == lines)
    }

    @Test func aReaderTakesSeveralGzipMembersCRLFAndALastLineWithoutItsEnd() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var joined: [UInt8] = []
        for (number, text) in ["one\r\ntwo\n", "three\nfour"].enumerated() {
            let part = directory + "/part\(number)"
            let writer = try CompressedFileWriter(path: part, gzip: true)
            try writer.write(Array(text.utf8))
            _ = try writer.finish()
            joined += try [UInt8](Data(contentsOf: URL(fileURLWithPath: part)))
        }
        try Data(joined).write(to: URL(fileURLWithPath: directory + "/joined.gz"))
        let reader = try LineReader(path: directory + "/joined.gz", gzip: true)
        var read: [String] = []
        while let line = try reader.next() { read.append(String(decoding: line, as: UTF8.self)) }
        #expect(read == ["one", "two", "three", "four"])
    }

    @Test func anImportReadsTheDataFilesUnderItsPrefixAlone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("strata-export-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let export = root + "/bucket/daily/AWSDynamoDB/01700000000000-abcdef01"
        try FileManager.default.createDirectory(atPath: export + "/data", withIntermediateDirectories: true)
        for name in ["manifest-summary.json", "manifest-files.json", "manifest-files.checksum", "_started", "data/a.json.gz", "data/b.json.gz"] {
            FileManager.default.createFile(atPath: export + "/" + name, contents: Data())
        }
        FileManager.default.createFile(atPath: root + "/bucket/other.csv", contents: Data())
        let found = try ImportFiles.list(root: root, bucket: "bucket", prefix: "daily/")
        #expect(found == [export + "/data/a.json.gz", export + "/data/b.json.gz"])
        #expect(try ImportFiles.list(root: root, bucket: "bucket", prefix: nil).count == 3)
        #expect(try ImportFiles.list(root: root, bucket: "none", prefix: nil).isEmpty)
    }
}
