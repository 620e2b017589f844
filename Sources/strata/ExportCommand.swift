import StrataAPI
import StrataModel
import StrataStorage

/// `strata export TABLE --to DIR`: a table of a stopped server's data
/// directory, as it stands, written to DIR in DynamoDB's export format.
enum ExportCommand {
    static let help = """
        OVERVIEW: Export a table of a data directory in DynamoDB's DYNAMODB_JSON export format.

        Writes DIR/AWSDynamoDB/EXPORT-ID/ (gzip data files, manifest-summary.json,
        manifest-files.json) as ExportTableToPointInTime does. From a data directory
        (its server stopped), the table as it stood at one moment; from a running
        server (--endpoint), what a Scan reads, page by page while writes go on.

        USAGE: strata export <table> --to <dir> [--data-dir <data-dir> | --endpoint http://HOST:PORT]

        OPTIONS:
        """

    struct Arguments {
        var table: String?
        var directory: String?
        var dataDirectory: String?
        var endpoint: String?
    }

    private static let options: [CommandLineOption<Arguments>] = [
        .value("to", "Directory to write the export under.") { $0.directory = $1 },
        .value("data-dir", "Directory of the SQLite files. [env: STRATA_DATA_DIR] (default: ./strata-data)") { $0.dataDirectory = $1 },
        .value("endpoint", "A running server to read the table from, through its API (signed with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY if set).") { $0.endpoint = $1 },
    ]

    static func run(_ arguments: [String]) async throws {
        guard let parsed = try CommandLineOption.parse(
            arguments, help: help, options: options, into: Arguments(), positional: { $0.table = $1 }) else { return }
        guard let table = parsed.table else { throw UsageError("missing expected argument '<table>'") }
        guard let directory = parsed.directory else { throw UsageError("missing expected argument '--to <dir>'") }
        if let endpoint = parsed.endpoint {
            return try exportThroughAPI(table, to: directory, endpoint: endpoint)
        }
        let dataDirectory = Configuration.dataDirectory(parsed.dataDirectory)

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
            report(summary, of: table, to: location, seconds: progress.elapsedSeconds)
        } catch {
            await engine.close()
            throw error
        }
        await engine.close()
    }

    /// The export through a running server's Scan, a page at a time.
    private static func exportThroughAPI(_ table: String, to directory: String, endpoint: String) throws {
        let client = try APIClient(endpoint: endpoint)
        guard case .object(let answer) = try client.call("DescribeTable", .object(JSONObject([("TableName", .string(table))]))),
              case .object(let description)? = answer["Table"], case .string(let arn)? = description["TableArn"],
              case .string(let id)? = description["TableId"]
        else { throw UsageError("DescribeTable of \(table) gave no table") }
        var total: Int?
        if case .number(let count)? = description["ItemCount"] { total = Int(count) }
        let now = SystemWallClock().now()
        let location = ExportLocation(directory: directory, id: BackupRecord.newID(now: now))
        let writer = try TableExportWriter(location: location)
        var progress = ProgressBar(total: total, unit: "items")
        var start: JSONValue?
        repeat {
            var request = JSONObject([("TableName", .string(table))])
            if let start { request["ExclusiveStartKey"] = start }
            guard case .object(let page) = try client.call("Scan", .object(request)), case .array(let items)? = page["Items"] else {
                throw UsageError("Scan of \(table) gave no items")
            }
            try writer.write(json: items.map { ($0, (try? Item(itemJSON: $0).itemSize) ?? 0) })
            progress.update(done: writer.itemCount, items: writer.itemCount)
            start = page["LastEvaluatedKey"]
        } while start != nil
        var summary = TableExportWriter.Summary(exportArn: "\(arn)/export/\(location.id)", tableArn: arn, tableId: id, startTime: now, exportTime: now)
        summary.endTime = SystemWallClock().now()
        summary = try writer.finish(summary)
        progress.finish()
        report(summary, of: table, to: location, seconds: progress.elapsedSeconds)
    }

    private static func report(_ summary: TableExportWriter.Summary, of table: String, to location: ExportLocation, seconds: Double) {
        print("Exported \(ProgressBar.grouped(summary.itemCount)) items of \(table) to \(location.directory) "
            + "in \(String(format1: seconds)) s (\(ProgressBar.grouped(Int(Double(summary.itemCount) / max(seconds, 0.001)))) items/s)")
    }
}

extension String {
    /// `value` with one decimal.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
