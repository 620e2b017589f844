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
        A line without a valid item is counted and reported, not imported. Into a data
        directory (its server stopped), or through a running server's BatchWriteItem
        (--endpoint).

        USAGE: strata import <dir> --table <name> [--key <pk:S[,sk:N]>] [--format dynamodb-json|csv]
                             [--data-dir <data-dir> | --endpoint http://HOST:PORT]

        OPTIONS:
        """

    struct Arguments {
        var directory: String?
        var table: String?
        var key: String?
        var format = "dynamodb-json"
        var dataDirectory: String?
        var endpoint: String?
    }

    private static let options: [CommandLineOption<Arguments>] = [
        .value("table", "Table to write the items into.") { $0.table = $1 },
        .value("key", "The key of a table to create: NAME:TYPE, then ,NAME:TYPE for a sort key (types S, N, B).") { $0.key = $1 },
        .value("format", "dynamodb-json (one {\"Item\": ...} per line) or csv (a header line, then records). (default: dynamodb-json)") { $0.format = $1 },
        .value("data-dir", "Directory of the SQLite files. [env: STRATA_DATA_DIR] (default: ./strata-data)") { $0.dataDirectory = $1 },
        .value("endpoint", "A running server to write the items through, with BatchWriteItem (signed with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY if set).") { $0.endpoint = $1 },
    ]

    /// Items handed to storage at once.
    static let page = 5000

    static func run(_ arguments: [String]) async throws {
        guard let parsed = try CommandLineOption.parse(
            arguments, help: help, options: options, into: Arguments(), positional: { $0.directory = $1 }) else { return }
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
        if let endpoint = parsed.endpoint {
            let client = try APIClient(endpoint: endpoint)
            let (schema, definitions) = try remoteTable(table, key: parsed.key, client: client)
            return try await load(files, format: format, into: table, schema: schema, definitions: definitions) { page in
                try batchWrite(page, into: table, client: client)
            }
        }
        let dataDirectory = Configuration.dataDirectory(parsed.dataDirectory)

        let engine = try SQLiteStorageEngine(options: StorageOptions(dataDirectory: dataDirectory))
        do {
            let definition = try await tableToFill(table, key: parsed.key, in: engine)
            try await load(files, format: format, into: table, schema: definition.keySchema, definitions: definition.attributeDefinitions) { page in
                try await engine.putItems(page, table: table)
            }
        } catch {
            await engine.close()
            throw error
        }
        await engine.close()
    }

    /// The key attributes `--key` names.
    private static func keyAttributes(_ key: String?, table name: String) throws -> [KeyAttribute] {
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
        return attributes
    }

    /// The table, created from `--key` if it does not exist.
    private static func tableToFill(_ name: String, key: String?, in engine: SQLiteStorageEngine) async throws -> TableDefinition {
        if let existing = engine.table(named: name) { return existing }
        let attributes = try keyAttributes(key, table: name)
        let now = SystemWallClock().now()
        var definition = TableDefinition(
            name: name, id: TableID.make(), arn: "arn:aws:dynamodb:us-east-1:000000000000:table/\(name)", creationTime: now,
            keySchema: KeySchema(partitionKey: attributes[0], sortKey: attributes.count > 1 ? attributes[1] : nil),
            attributeDefinitions: attributes, billingMode: .payPerRequest, throughput: nil)
        definition.lastSwitchToPayPerRequest = now
        return try await engine.createTable(definition)
    }

    /// The table's key and declared attributes, read through the API, or
    /// the table created there (on demand) from `--key`.
    private static func remoteTable(_ name: String, key: String?, client: APIClient) throws -> (KeySchema, [KeyAttribute]) {
        let request = JSONValue.object(JSONObject([("TableName", .string(name))]))
        do {
            guard case .object(let answer) = try client.call("DescribeTable", request), case .object(let table)? = answer["Table"],
                  case .array(let keys)? = table["KeySchema"], case .array(let declared)? = table["AttributeDefinitions"]
            else { throw UsageError("DescribeTable of \(name) gave no key schema") }
            let definitions = declared.compactMap { json -> KeyAttribute? in
                guard case .object(let o) = json, case .string(let attribute)? = o["AttributeName"], case .string(let type)? = o["AttributeType"],
                      let scalar = ScalarAttributeType(rawValue: type) else { return nil }
                return KeyAttribute(name: attribute, type: scalar)
            }
            let keyNames = keys.compactMap { json -> String? in
                if case .object(let o) = json, case .string(let attribute)? = o["AttributeName"] { attribute } else { nil }
            }
            let attributes = keyNames.compactMap { key in definitions.first { $0.name == key } }
            guard !attributes.isEmpty else { throw UsageError("DescribeTable of \(name) gave no key schema") }
            return (KeySchema(partitionKey: attributes[0], sortKey: attributes.count > 1 ? attributes[1] : nil), definitions)
        } catch let failure as APIClient.Failure where failure.type == "ResourceNotFoundException" {
            let attributes = try keyAttributes(key, table: name)
            let roles = ["HASH", "RANGE"]
            _ = try client.call("CreateTable", .object(JSONObject([
                ("TableName", .string(name)), ("BillingMode", .string("PAY_PER_REQUEST")),
                ("KeySchema", .array(attributes.enumerated().map { .object(JSONObject([("AttributeName", .string($1.name)), ("KeyType", .string(roles[$0]))])) })),
                ("AttributeDefinitions", .array(attributes.map { .object(JSONObject([("AttributeName", .string($0.name)), ("AttributeType", .string($0.type.rawValue))])) })),
            ])))
            return (KeySchema(partitionKey: attributes[0], sortKey: attributes.count > 1 ? attributes[1] : nil), attributes)
        }
    }

    /// Writes a page with BatchWriteItem, 25 items at a time, until none is left unprocessed.
    private static func batchWrite(_ page: [(key: PrimaryKey, item: StoredItem)], into table: String, client: APIClient) throws {
        for start in stride(from: 0, to: page.count, by: 25) {
            var body = JSONWriter()
            body.raw("{\"RequestItems\":{")
            body.string(table)
            body.raw(":[")
            for (offset, entry) in page[start..<min(start + 25, page.count)].enumerated() {
                if offset > 0 { body.raw(",") }
                body.raw("{\"PutRequest\":{\"Item\":")
                try entry.item.writeJSON(to: &body)
                body.raw("}}")
            }
            body.raw("]}}")
            var answer = try client.call("BatchWriteItem", bytes: body.bytes)
            while case .object(let o) = answer, case .object(let unprocessed)? = o["UnprocessedItems"], !unprocessed.isEmpty {
                usleep(50_000)
                answer = try client.call("BatchWriteItem", .object(JSONObject([("RequestItems", .object(unprocessed))])))
            }
        }
    }

    private static func load(
        _ files: [String], format: ImportFormat, into table: String, schema: KeySchema, definitions: [KeyAttribute],
        put: @escaping @Sendable ([(key: PrimaryKey, item: StoredItem)]) async throws -> Void
    ) async throws {
        let totalBytes = files.reduce(0) { $0 + ImportFiles.size($1) }
        var progress = ProgressBar(total: totalBytes, unit: "bytes")
        var imported = 0, errors = 0, bytesDone = 0
        // One page parses while the one before it is written.
        var writing: Task<Void, any Error>?
        for path in files {
            var parser = ImportItems(format: format, delimiter: UInt8(ascii: ","), header: nil, definitions: definitions)
            let reader = try LineReader(path: path, gzip: nil)
            var page: [(key: PrimaryKey, item: StoredItem)] = []
            var number = 0
            while let line = try reader.next() {
                number += 1
                switch parser.entry(line, schema: schema) {
                case .success(nil): continue
                case .success(let entry?): page.append(entry)
                case .failure(let error):
                    errors += 1
                    if errors <= 10 { printError("\(path):\(number): \(error.message ?? error.typeName)") }
                }
                if page.count >= Self.page {
                    try await writing?.value
                    let full = page
                    writing = Task { try await put(full) }
                    imported += full.count
                    page = []
                    progress.update(done: bytesDone + reader.bytesRead, items: imported)
                }
            }
            try await writing?.value
            let rest = page
            writing = Task { try await put(rest) }
            imported += rest.count
            bytesDone += ImportFiles.size(path)
        }
        try await writing?.value
        progress.finish()
        let seconds = progress.elapsedSeconds
        print("Imported \(ProgressBar.grouped(imported)) items into \(table) in \(String(format1: seconds)) s "
            + "(\(ProgressBar.grouped(Int(Double(imported) / max(seconds, 0.001)))) items/s)"
            + (errors > 0 ? "; \(ProgressBar.grouped(errors)) lines held no valid item" : ""))
    }

    private static func printError(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
