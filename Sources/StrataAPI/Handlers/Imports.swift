import Logging
import StrataModel
import StrataStorage

/// ImportTable, DescribeImport and ListImports: a new table loaded in the
/// background from files under the export directory (the S3 bucket and
/// key prefix), in DynamoDB JSON or CSV, gzip-compressed or not. The
/// table is CREATING until every file is read; a line that holds no valid
/// item counts as an error and is left out, as in DynamoDB.
extension DynamoAPI {
    /// Items written to storage at once.
    static var importPage: Int { 1000 }

    func importTable(_ input: ImportTableInput, _ context: RequestContext) async throws -> JSONOutput {
        if let token = input.clientToken, let earlier = imports.all.first(where: { $0["ClientToken"] == .string(token) }) {
            return JSONOutput(value: .object(JSONObject([("ImportTableDescription", .object(earlier))])))
        }
        let now = context.clock.now()
        var definition = try newTable(input.table, now: now)
        if storage.table(named: definition.name) != nil { throw DynamoError.resourceInUse("Table already exists: \(definition.name)") }
        definition.importing = true
        let table = try await storage.createTable(definition)
        let arn = "\(table.arn)/import/\(BackupRecord.newID(now: now))"
        var description = JSONObject()
        description["ImportArn"] = .string(arn)
        description["ImportStatus"] = .string("IN_PROGRESS")
        description["TableArn"] = .string(table.arn)
        description["TableId"] = .string(table.id)
        if let token = input.clientToken { description["ClientToken"] = .string(token) }
        description["S3BucketSource"] = input.source
        description["ErrorCount"] = .number("0")
        description["InputFormat"] = .string(input.format.rawValue)
        if let options = input.formatOptions { description["InputFormatOptions"] = options }
        if let compression = input.compression { description["InputCompressionType"] = .string(compression) }
        description["TableCreationParameters"] = input.creationParameters
        description["StartTime"] = .number(TableDescription.timestamp(now))
        description["ProcessedSizeBytes"] = .number("0")
        description["ProcessedItemCount"] = .number("0")
        description["ImportedItemCount"] = .number("0")
        imports.save(arn, description)
        Task(executorPreference: storage.bulkExecutor) { [description] in
            await self.runImport(input, into: table, description: description, logger: context.logger)
        }
        return JSONOutput(value: .object(JSONObject([("ImportTableDescription", .object(description))])))
    }

    /// What an import has done so far.
    private struct ImportProgress {
        var processed = 0
        var imported = 0
        var errors = 0
        var bytes = 0

        func fill(_ description: inout JSONObject, status: String, now: Double) {
            description["ImportStatus"] = .string(status)
            description["ProcessedItemCount"] = .number(String(processed))
            description["ImportedItemCount"] = .number(String(imported))
            description["ErrorCount"] = .number(String(errors))
            description["ProcessedSizeBytes"] = .number(String(bytes))
            if status != "IN_PROGRESS" { description["EndTime"] = .number(TableDescription.timestamp(now)) }
        }
    }

    private func runImport(_ input: ImportTableInput, into table: TableDefinition, description: JSONObject, logger: Logger) async {
        var description = description
        guard case .string(let arn)? = description["ImportArn"] else { return }
        var progress = ImportProgress()
        do {
            for path in try ImportFiles.list(root: configuration.exportDirectory, bucket: input.bucket, prefix: input.prefix) {
                try await importFile(path, input, into: table, progress: &progress, logger: logger)
                progress.fill(&description, status: "IN_PROGRESS", now: clock.now())
                imports.save(arn, description)
            }
            _ = try await storage.updateTable(named: table.name) { $0.importing = false }
            progress.fill(&description, status: "COMPLETED", now: clock.now())
        } catch {
            logger.error("An import failed", metadata: ["import": "\(arn)", "error": "\(error)"])
            description["FailureCode"] = .string("IMPORT_FAILED")
            description["FailureMessage"] = .string("\(error)")
            _ = try? await storage.updateTable(named: table.name) { $0.importing = false }
            progress.fill(&description, status: "FAILED", now: clock.now())
        }
        imports.save(arn, description)
    }

    private func importFile(
        _ path: String, _ input: ImportTableInput, into table: TableDefinition, progress: inout ImportProgress, logger: Logger
    ) async throws {
        var parser = ImportItems(format: input.format, delimiter: input.csvDelimiter, header: input.csvHeader, definitions: table.attributeDefinitions)
        let reader = try LineReader(path: path, gzip: input.compression.map { $0 == "GZIP" })
        var page: [(key: PrimaryKey, item: StoredItem)] = []
        var number = 0
        while let line = try reader.next() {
            number += 1
            switch parser.entry(line, schema: table.keySchema) {
            case .success(nil):
                continue
            case .success(let entry?):
                progress.processed += 1
                page.append(entry)
            case .failure(let error):
                progress.processed += 1
                progress.errors += 1
                if progress.errors <= 100 {
                    logger.warning("An import line holds no valid item", metadata: [
                        "file": "\(path)", "line": "\(number)", "error": "\(error.message ?? error.typeName)",
                    ])
                }
            }
            if page.count == Self.importPage {
                try await storage.putItems(page, table: table.name)
                progress.imported += page.count
                page.removeAll(keepingCapacity: true)
            }
        }
        try await storage.putItems(page, table: table.name)
        progress.imported += page.count
        progress.bytes += ImportFiles.size(path)
    }

    func describeImport(_ input: ImportArnInput, _ context: RequestContext) async throws -> JSONOutput {
        guard let description = imports.description(input.arn) else { throw DynamoError.importNotFound("Import not found: \(input.arn)") }
        return JSONOutput(value: .object(JSONObject([("ImportTableDescription", .object(description))])))
    }

    func listImports(_ input: TransferListInput, _ context: RequestContext) async throws -> JSONOutput {
        let page = try transferPage(imports.all, arnMember: "ImportArn", input: input)
        let members = ["ImportArn", "ImportStatus", "TableArn", "S3BucketSource", "InputFormat", "StartTime", "EndTime"]
        var output = JSONObject([("ImportSummaryList", .array(page.items.map { description in
            .object(JSONObject(members.compactMap { key in description[key].map { (key, $0) } }))
        }))])
        if let next = page.next { output["NextToken"] = .string(next) }
        return JSONOutput(value: .object(output))
    }
}
