import Logging
import StrataModel
import StrataStorage

/// ExportTableToPointInTime, DescribeExport and ListExports: a full export
/// in DynamoDB JSON, written in the background into the export directory
/// (the S3 bucket and prefix become directories under it).
extension DynamoAPI {
    func exportTableToPointInTime(_ input: ExportTableInput, _ context: RequestContext) async throws -> JSONOutput {
        try requireBackups()
        guard let table = storage.table(named: input.tableArn) else { throw DynamoError.tableNotFound("Table not found: \(input.tableArn)") }
        if let token = input.clientToken,
           let earlier = exports.all.first(where: { $0["ClientToken"] == .string(token) && $0["TableArn"] == .string(table.arn) }) {
            return JSONOutput(value: .object(JSONObject([("ExportDescription", .object(earlier))])))
        }
        guard let recovery = table.pointInTimeRecovery else {
            throw DynamoError.pointInTimeRecoveryUnavailable("Point in time recovery is not enabled for table '\(table.name)'")
        }
        let now = context.clock.now()
        if let time = input.exportTime, time < recovery.earliestRestorable(now: now) || time > now {
            throw DynamoError.invalidExportTime("Export time is not within the point-in-time recovery window")
        }
        let id = BackupRecord.newID(now: now)
        let arn = "\(table.arn)/export/\(id)"
        var description = JSONObject()
        description["ExportArn"] = .string(arn)
        description["ExportStatus"] = .string("IN_PROGRESS")
        description["StartTime"] = .number(TableDescription.timestamp(now))
        description["TableArn"] = .string(table.arn)
        description["TableId"] = .string(table.id)
        description["ExportTime"] = .number(TableDescription.timestamp(input.exportTime ?? now))
        if let token = input.clientToken { description["ClientToken"] = .string(token) }
        description["S3Bucket"] = .string(input.bucket)
        if let prefix = input.prefix { description["S3Prefix"] = .string(prefix) }
        description["S3SseAlgorithm"] = .string("AES256")
        description["ExportFormat"] = .string("DYNAMODB_JSON")
        description["ExportType"] = .string("FULL_EXPORT")
        exports.save(arn, description)
        let location = ExportLocation(root: configuration.exportDirectory, bucket: input.bucket, prefix: input.prefix, id: id)
        let moment = input.exportTime.map { Int(($0 * 1000).rounded(.down)) }
        Task(executorPreference: storage.bulkExecutor) { [description] in
            await self.runExport(of: table, at: moment, into: location, description: description, logger: context.logger)
        }
        return JSONOutput(value: .object(JSONObject([("ExportDescription", .object(description))])))
    }

    private func runExport(
        of table: TableDefinition, at moment: Int?, into location: ExportLocation, description: JSONObject, logger: Logger
    ) async {
        var description = description
        guard case .string(let arn)? = description["ExportArn"] else { return }
        let started = clock.now()
        do {
            let writer = try TableExportWriter(location: location)
            try await storage.readTable(table.name, at: moment) { try writer.write($0) }
            var summary = TableExportWriter.Summary(
                exportArn: arn, tableArn: table.arn, tableId: table.id, startTime: started,
                exportTime: moment.map { Double($0) / 1000 } ?? started)
            summary.endTime = clock.now()
            summary = try writer.finish(summary)
            description["ExportStatus"] = .string("COMPLETED")
            description["EndTime"] = .number(TableDescription.timestamp(summary.endTime))
            description["ExportManifest"] = .string(location.keyPrefix + "/manifest-summary.json")
            description["BilledSizeBytes"] = .number(String(summary.billedSizeBytes))
            description["ItemCount"] = .number(String(summary.itemCount))
        } catch {
            logger.error("An export failed", metadata: ["export": "\(arn)", "error": "\(error)"])
            description["ExportStatus"] = .string("FAILED")
            description["EndTime"] = .number(TableDescription.timestamp(clock.now()))
            description["FailureCode"] = .string("EXPORT_FAILED")
            description["FailureMessage"] = .string("\(error)")
        }
        exports.save(arn, description)
    }

    func describeExport(_ input: ExportArnInput, _ context: RequestContext) async throws -> JSONOutput {
        guard let description = exports.description(input.arn) else { throw DynamoError.exportNotFound("Export not found: \(input.arn)") }
        return JSONOutput(value: .object(JSONObject([("ExportDescription", .object(description))])))
    }

    func listExports(_ input: TransferListInput, _ context: RequestContext) async throws -> JSONOutput {
        let page = try transferPage(exports.all, arnMember: "ExportArn", input: input)
        var output = JSONObject([("ExportSummaries", .array(page.items.map { description in
            .object(JSONObject(["ExportArn", "ExportStatus", "ExportType"].compactMap { key in description[key].map { (key, $0) } }))
        }))])
        if let next = page.next { output["NextToken"] = .string(next) }
        return JSONOutput(value: .object(output))
    }

    /// One page of jobs of a table (or all), oldest first; the token is
    /// the ARN of the page's last job.
    func transferPage(
        _ jobs: [JSONObject], arnMember: String, input: TransferListInput
    ) throws(DynamoError) -> (items: [JSONObject], next: String?) {
        func arn(_ job: JSONObject) -> String {
            if case .string(let text)? = job[arnMember] { text } else { "" }
        }
        var jobs = jobs.filter { job in input.tableArn.map { job["TableArn"] == .string($0) } ?? true }
        // The id leads with the creation time in milliseconds.
        jobs.sort { arn($0).split(separator: "/").last ?? "" < arn($1).split(separator: "/").last ?? "" }
        if let token = input.nextToken {
            guard let position = jobs.firstIndex(where: { arn($0) == token }) else { throw .validation("Invalid NextToken") }
            jobs.removeFirst(position + 1)
        }
        let page = Array(jobs.prefix(input.limit))
        return (page, jobs.count > input.limit ? page.last.map(arn) : nil)
    }
}
