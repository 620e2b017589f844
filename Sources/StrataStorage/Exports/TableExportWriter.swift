import StrataModel

/// Writes a table export in DynamoDB's DYNAMODB_JSON format: gzip data
/// files of one `{"Item": ...}` object per line under `data/`, a
/// `manifest-files.json` line per data file, a `manifest-summary.json`,
/// their checksum files, and the empty `_started` marker.
package final class TableExportWriter {
    /// What an export's summary says of it.
    package struct Summary: Sendable {
        package var exportArn: String
        package var tableArn: String
        package var tableId: String
        /// Seconds since 1970.
        package var startTime: Double
        package var exportTime: Double
        package var endTime: Double = 0
        package var itemCount = 0
        package var billedSizeBytes = 0

        package init(exportArn: String, tableArn: String, tableId: String, startTime: Double, exportTime: Double) {
            self.exportArn = exportArn
            self.tableArn = tableArn
            self.tableId = tableId
            self.startTime = startTime
            self.exportTime = exportTime
        }
    }

    package let location: ExportLocation
    /// Items per data file.
    private let itemsPerFile: Int
    private var current: (writer: CompressedFileWriter, key: String, items: Int)?
    private var manifestLines: [UInt8] = []
    private var fileNumber = 0
    package private(set) var itemCount = 0
    package private(set) var bytes = 0

    package init(location: ExportLocation, itemsPerFile: Int = 250_000) throws {
        self.location = location
        self.itemsPerFile = itemsPerFile
        try FileSystem.createDirectories(location.directory + "/data", mode: 0o755)
        try FileSystem.writeFile(location.directory + "/_started", [])
    }

    /// Appends items to the current data file, starting a new one when it is full.
    package func write(_ items: [StoredItem]) throws {
        for item in items {
            try append(size: item.size) { try item.writeJSON(to: &$0) }
        }
    }

    /// The same for items as a Scan answered them, with their sizes.
    package func write(json items: [(item: JSONValue, size: Int)]) throws {
        for (item, size) in items {
            try append(size: size) { $0.value(item) }
        }
    }

    private func append(size: Int, _ item: (inout JSONWriter) throws -> Void) throws {
        if current == nil || current!.items >= itemsPerFile { try startFile() }
        var line = JSONWriter(capacity: size * 2 + 16)
        line.raw("{\"Item\":")
        try item(&line)
        line.raw("}\n")
        try current!.writer.write(line.bytes)
        current!.items += 1
        itemCount += 1
        bytes += size
    }

    /// Closes the data files and writes the manifests; returns the summary written.
    package func finish(_ summary: Summary) throws -> Summary {
        if current == nil { try startFile() }
        try closeFile()
        var summary = summary
        summary.itemCount = itemCount
        summary.billedSizeBytes = bytes
        let directory = location.directory
        try FileSystem.writeFile(directory + "/manifest-files.json", manifestLines)
        try FileSystem.writeFile(directory + "/manifest-files.checksum", Array(Self.hex(Self.md5(manifestLines)).utf8))
        let summaryBytes = Self.summaryJSON(summary, location: location).serialized
        try FileSystem.writeFile(directory + "/manifest-summary.json", summaryBytes)
        try FileSystem.writeFile(directory + "/manifest-summary.checksum", Array(Self.hex(Self.md5(summaryBytes)).utf8))
        return summary
    }

    private func startFile() throws {
        try closeFile()
        fileNumber += 1
        let name = "data/\(Self.randomName(seed: fileNumber)).json.gz"
        current = (try CompressedFileWriter(path: location.directory + "/" + name, gzip: true), location.keyPrefix + "/" + name, 0)
    }

    private func closeFile() throws {
        guard let (writer, key, items) = current else { return }
        current = nil
        let digest = try writer.finish()
        var line = JSONWriter()
        line.value(.object(JSONObject([
            ("itemCount", .number(String(items))), ("md5Checksum", .string(Base64.encode(digest))),
            ("etag", .string(Self.hex(digest))), ("dataFileS3Key", .string(key)),
        ])))
        manifestLines += line.bytes + [UInt8(ascii: "\n")]
    }

    private static func summaryJSON(_ summary: Summary, location: ExportLocation) -> JSONValue {
        .object(JSONObject([
            ("version", .string("2020-06-30")), ("exportArn", .string(summary.exportArn)),
            ("startTime", .string(UTCCalendar.iso8601(summary.startTime))), ("endTime", .string(UTCCalendar.iso8601(summary.endTime))),
            ("tableArn", .string(summary.tableArn)), ("tableId", .string(summary.tableId)),
            ("exportTime", .string(UTCCalendar.iso8601(summary.exportTime))), ("s3Bucket", .string(location.bucket)),
            ("s3Prefix", location.prefix.map { .string($0) } ?? .null), ("s3SseAlgorithm", .string("AES256")), ("s3SseKmsKeyId", .null),
            ("manifestFilesS3Key", .string(location.keyPrefix + "/manifest-files.json")),
            ("billedSizeBytes", .number(String(summary.billedSizeBytes))), ("itemCount", .number(String(summary.itemCount))),
            ("outputFormat", .string("DYNAMODB_JSON")), ("exportType", .string("FULL_EXPORT")),
        ]))
    }

    private static func md5(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = MD5.Hasher()
        hasher.update(bytes)
        return hasher.finish()
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// A data file's name: random, as DynamoDB's are, and distinct within the export.
    private static func randomName(seed: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return String((0..<26).map { _ in alphabet[Int(generator.next() as UInt8) % alphabet.count] }) + String(seed)
    }
}
