#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataAPI
import StrataModel
import StrataStorage

/// `strata import DIR --table NAME`: every data file under DIR (DynamoDB
/// JSON or CSV, gzip or not; a DynamoDB or Strata export's manifests are
/// skipped) written into a table of a stopped server's data directory.
enum ImportCommand {
    static let help = """
        OVERVIEW: Import DynamoDB JSON or CSV files into a table of a data directory.

        Reads every file under DIR (gzip or not), as ImportTable does, and writes its
        items into the table, creating it (on demand) with --key if it does not exist.
        A line without a valid item is counted and reported, not imported. The server
        must be stopped: a running one imports with ImportTable instead.

        USAGE: strata import <dir> --table <name> [--key <pk:S[,sk:N]>] [--format dynamodb-json|csv] [--data-dir <data-dir>]

        OPTIONS:
        """

    struct Arguments {
        var directory: String?
        var table: String?
        var key: String?
        var format = "dynamodb-json"
        var dataDirectory: String?
    }

    private static let options: [CommandLineOption<Arguments>] = [
        .value("table", "Table to write the items into.") { $0.table = $1 },
        .value("key", "The key of a table to create: NAME:TYPE, then ,NAME:TYPE for a sort key (types S, N, B).") { $0.key = $1 },
        .value("format", "dynamodb-json (one {\"Item\": ...} per line) or csv (a header line, then records). (default: dynamodb-json)") { $0.format = $1 },
        .value("data-dir", "Directory of the SQLite files. [env: STRATA_DATA_DIR] (default: ./strata-data)") { $0.dataDirectory = $1 },
    ]

    /// Items handed to storage at once.
    static let page = 5000

    static func run(_ arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help + "\n" + CommandLineOption.helpLines(options))
            return
        }
        var parsed = Arguments()
        var rest = arguments
        if let first = rest.first, !first.hasPrefix("--") { parsed.directory = rest.removeFirst() }
        try CommandLineOption.parse(rest, into: &parsed, options: options)
        guard let directory = parsed.directory else { throw UsageError("missing expected argument '<dir>'") }
        guard let table = parsed.table else { throw UsageError("missing expected argument '--table <name>'") }
        let format: ImportFormat
        switch parsed.format {
        case "dynamodb-json": format = .dynamoDBJSON
        case "csv": format = .csv
        default: throw UsageError("--format is dynamodb-json or csv, not \(parsed.format)")
        }
        let files = try ImportFiles.list(directory: directory)
        guard !files.isEmpty else { throw UsageError("no files to import under \(directory)") }
        let dataDirectory = parsed.dataDirectory ?? Configuration.environment("STRATA_DATA_DIR") ?? "./strata-data"

        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: dataDirectory))
        do {
            let definition = try await tableToFill(table, key: parsed.key, in: engine)
            try await load(files, format: format, into: definition, engine: engine)
        } catch {
            await engine.close()
            throw error
        }
        await engine.close()
    }

    /// The table, created from `--key` if it does not exist.
    private static func tableToFill(_ name: String, key: String?, in engine: SQLiteStorageEngine) async throws -> TableDefinition {
        if let existing = engine.table(named: name) { return existing }
        guard let key else { throw UsageError("no table named \(name): give its key with --key NAME:TYPE[,NAME:TYPE] to create it") }
        var attributes: [KeyAttribute] = []
        for part in key.split(separator: ",") {
            let pieces = part.split(separator: ":")
            guard pieces.count == 2, let type = ScalarAttributeType(rawValue: String(pieces[1])) else {
                throw UsageError("--key takes NAME:TYPE[,NAME:TYPE] with types S, N or B, not \(key)")
            }
            attributes.append(KeyAttribute(name: String(pieces[0]), type: type))
        }
        guard (1...2).contains(attributes.count) else { throw UsageError("--key names a partition key and at most a sort key") }
        let now = SystemWallClock().now()
        var definition = TableDefinition(
            name: name, id: TableID.make(), arn: "arn:aws:dynamodb:us-east-1:000000000000:table/\(name)", creationTime: now,
            keySchema: KeySchema(partitionKey: attributes[0], sortKey: attributes.count > 1 ? attributes[1] : nil),
            attributeDefinitions: attributes, billingMode: .payPerRequest, throughput: nil)
        definition.lastSwitchToPayPerRequest = now
        return try await engine.createTable(definition)
    }

    private static func load(_ files: [String], format: ImportFormat, into table: TableDefinition, engine: SQLiteStorageEngine) async throws {
        let totalBytes = files.reduce(0) { $0 + ImportFiles.size($1) }
        var progress = ProgressBar(total: totalBytes, unit: "bytes")
        var imported = 0, errors = 0, bytesDone = 0
        // One page parses while the one before it is written.
        var writing: Task<Void, any Error>?
        for path in files {
            var parser = ImportItems(format: format, delimiter: UInt8(ascii: ","), header: nil, definitions: table.attributeDefinitions)
            let reader = try LineReader(path: path, gzip: nil)
            var page: [(key: PrimaryKey, item: StoredItem)] = []
            var number = 0
            while let line = try reader.next() {
                number += 1
                switch parser.entry(line, schema: table.keySchema) {
                case .success(nil): continue
                case .success(let entry?): page.append(entry)
                case .failure(let error):
                    errors += 1
                    if errors <= 10 { printError("\(path):\(number): \(error.message ?? error.typeName)") }
                }
                if page.count >= Self.page {
                    try await writing?.value
                    let full = page
                    writing = Task { try await engine.putItems(full, table: table.name) }
                    imported += full.count
                    page = []
                    progress.update(done: bytesDone + reader.bytesRead, items: imported)
                }
            }
            try await writing?.value
            let rest = page
            writing = Task { try await engine.putItems(rest, table: table.name) }
            imported += rest.count
            bytesDone += ImportFiles.size(path)
        }
        try await writing?.value
        progress.finish()
        let seconds = progress.elapsedSeconds
        print("Imported \(ProgressBar.grouped(imported)) items into \(table.name) in \(String(format1: seconds)) s "
            + "(\(ProgressBar.grouped(Int(Double(imported) / max(seconds, 0.001)))) items/s)"
            + (errors > 0 ? "; \(ProgressBar.grouped(errors)) lines held no valid item" : ""))
    }

    private static func printError(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
