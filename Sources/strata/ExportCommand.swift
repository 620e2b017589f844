import StrataAPI
import StrataModel
import StrataStorage

/// `strata export TABLE --to DIR`: a table of a stopped server's data
/// directory, as it stands, written to DIR in DynamoDB's export format.
enum ExportCommand {
    static let help = """
        OVERVIEW: Export a table of a data directory in DynamoDB's DYNAMODB_JSON export format.

        Writes DIR/AWSDynamoDB/EXPORT-ID/ (gzip data files, manifest-summary.json,
        manifest-files.json) as ExportTableToPointInTime does. The server must be
        stopped: a running one exports with ExportTableToPointInTime instead.

        USAGE: strata export <table> --to <dir> [--data-dir <data-dir>]

        OPTIONS:
        """

    struct Arguments {
        var table: String?
        var directory: String?
        var dataDirectory: String?
    }

    private static let options: [CommandLineOption<Arguments>] = [
        .value("to", "Directory to write the export under.") { $0.directory = $1 },
        .value("data-dir", "Directory of the SQLite files. [env: STRATA_DATA_DIR] (default: ./strata-data)") { $0.dataDirectory = $1 },
    ]

    static func run(_ arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help + "\n" + CommandLineOption.helpLines(options))
            return
        }
        var parsed = Arguments()
        var rest = arguments
        if let first = rest.first, !first.hasPrefix("--") { parsed.table = rest.removeFirst() }
        try CommandLineOption.parse(rest, into: &parsed, options: options)
        guard let table = parsed.table else { throw UsageError("missing expected argument '<table>'") }
        guard let directory = parsed.directory else { throw UsageError("missing expected argument '--to <dir>'") }
        let dataDirectory = parsed.dataDirectory ?? Configuration.environment("STRATA_DATA_DIR") ?? "./strata-data"

        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: dataDirectory))
        do {
            guard let definition = engine.table(named: table) else { throw UsageError("no table named \(table) in \(dataDirectory)") }
            let total = try await engine.statistics(ofTable: table).itemCount
            let now = SystemWallClock().now()
            let location = ExportLocation(directory: directory, id: BackupRecord.newID(now: now))
            let writer = try TableExportWriter(location: location)
            var progress = ProgressBar(total: total, unit: "items")
            try await engine.readTable(table, at: nil) { page in
                try writer.write(page)
                progress.update(done: writer.itemCount, items: writer.itemCount)
            }
            var summary = TableExportWriter.Summary(
                exportArn: "\(definition.arn)/export/\(location.id)", tableArn: definition.arn, tableId: definition.id,
                startTime: now, exportTime: now)
            summary.endTime = SystemWallClock().now()
            summary = try writer.finish(summary)
            progress.finish()
            let seconds = progress.elapsedSeconds
            print("Exported \(ProgressBar.grouped(summary.itemCount)) items of \(table) to \(location.directory) "
                + "in \(String(format1: seconds)) s (\(ProgressBar.grouped(Int(Double(summary.itemCount) / max(seconds, 0.001)))) items/s)")
        } catch {
            await engine.close()
            throw error
        }
        await engine.close()
    }
}

extension String {
    /// `value` with one decimal.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
