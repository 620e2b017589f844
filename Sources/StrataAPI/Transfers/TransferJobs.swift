import StrataModel
import StrataStorage
import Synchronization

/// The exports and imports this server has run, by ARN: their
/// descriptions as DescribeExport and DescribeImport answer them, kept in
/// memory and, at each change, in a file under the export directory.
final class TransferJobs: Sendable {
    private let records: JobRecords
    private let jobs: Mutex<[String: JSONObject]>

    /// `kind`: "exports" or "imports".
    init(exportDirectory: String, kind: String) {
        records = JobRecords(directory: "\(exportDirectory)/.strata/\(kind)")
        var loaded: [String: JSONObject] = [:]
        for case .object(let description) in records.all() {
            if case .string(let arn)? = description["ExportArn"] ?? description["ImportArn"] { loaded[arn] = description }
        }
        jobs = Mutex(loaded)
    }

    func description(_ arn: String) -> JSONObject? {
        jobs.withLock { $0[arn] }
    }

    var all: [JSONObject] {
        jobs.withLock { Array($0.values) }
    }

    /// Records a job's description as it now stands.
    func save(_ arn: String, _ description: JSONObject) {
        jobs.withLock { $0[arn] = description }
        try? records.save(id: String(arn.split(separator: "/").last ?? ""), .object(description))
    }
}
