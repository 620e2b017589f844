#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import CoreMetrics
import Prometheus
import StrataAdmission
import StrataStorage
import Synchronization

/// `GET /metrics`: swift-metrics backed by swift-prometheus. The API, the
/// front and the writers count as they go; what is a state rather than an
/// event (requests in flight, each table's items, bytes, log and pending
/// index changes, the process's memory and files) is read at each scrape.
final class MetricsExporter: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let storage: any StorageEngine
    private let admission: AdmissionController
    /// Tables with gauges: those of a table since deleted are dropped.
    private let tableGauges = Mutex<[String: [Prometheus.Gauge]]>([:])

    /// Latency buckets from half a millisecond to five seconds.
    static let durationBuckets: [Duration] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000].map { .microseconds(Int64($0 * 1000)) }
    /// Batch sizes and queue depths.
    static let valueBuckets: [Double] = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

    init(storage: any StorageEngine, admission: AdmissionController) {
        self.storage = storage
        self.admission = admission
    }

    /// Makes swift-metrics record into this registry; once, before any metric is made.
    func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        factory.defaultValueHistogramBuckets = Self.valueBuckets
        MetricsSystem.bootstrap(factory)
    }

    func export(inFlight: Int) -> [UInt8] {
        registry.makeGauge(name: "strata_requests_in_flight").set(Double(inFlight))
        let tables = storage.tableMetrics()
        tableGauges.withLock { gauges in
            for table in tables {
                let labels = [("table", table.name)]
                let made = [
                    registry.makeGauge(name: "strata_table_items", labels: labels),
                    registry.makeGauge(name: "strata_table_bytes", labels: labels),
                    registry.makeGauge(name: "strata_table_log_bytes", labels: labels),
                    registry.makeGauge(name: "strata_index_changes_pending", labels: labels),
                    registry.makeGauge(name: "strata_table_admitted_requests", labels: labels),
                    registry.makeGauge(name: "strata_table_consumed_read_units", labels: labels),
                    registry.makeGauge(name: "strata_table_consumed_write_units", labels: labels),
                ]
                let usage = storage.table(named: table.name).flatMap { admission.usage(ofTable: $0.id) } ?? (0, 0, 0)
                let values = [Double(table.items), Double(table.bytes), Double(table.logBytes), Double(table.pendingIndexChanges)]
                    + [Double(usage.requests), usage.read, usage.write]
                zip(made, values).forEach { $0.set($1) }
                gauges[table.name] = made
            }
            let present = Set(tables.map(\.name))
            for (name, stale) in gauges where !present.contains(name) {
                stale.forEach(registry.unregisterGauge)
                gauges[name] = nil
            }
        }
        registry.makeGauge(name: "process_resident_memory_bytes").set(Double(Self.residentBytes()))
        registry.makeGauge(name: "process_open_fds").set(Double(Self.openFiles()))
        return Self.withHelp(registry.emitToBuffer())
    }

    /// What each metric measures. swift-metrics has no place for it, and
    /// the registry stops the process if one name gets two texts, so the
    /// `# HELP` lines go in here, before each family's `# TYPE`.
    static let help: [String: String] = [
        "strata_requests_total": "API requests answered, by operation and outcome (success or the error type)",
        "strata_request_duration_seconds": "Time to answer an API request, by operation",
        "strata_errors_total": "API requests answered with an error, by error type",
        "strata_throttled_requests_total": "Requests refused by admission control, by table and reason",
        "strata_requests_in_flight": "API requests being answered now",
        "strata_writer_batch_size": "Requests a partition writer committed in one group commit",
        "strata_writer_queue_depth": "Requests waiting behind a partition writer's group commit",
        "strata_table_items": "Items in a table",
        "strata_table_bytes": "Bytes of a table's items, as DynamoDB counts them",
        "strata_table_log_bytes": "Bytes in the write-ahead logs of a table's open partitions",
        "strata_index_changes_pending": "Changes of a table not yet in its global secondary indexes",
        "strata_table_admitted_requests": "API requests admission control let in to a table since the server started (admission control on)",
        "strata_table_consumed_read_units": "Read capacity units a table consumed since the server started (admission control on)",
        "strata_table_consumed_write_units": "Write capacity units a table consumed since the server started (admission control on)",
        "process_resident_memory_bytes": "Resident memory of the server process",
        "process_open_fds": "File descriptors the server process holds",
    ]

    static func withHelp(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 2048)
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: "# TYPE ".utf8) {
                let name = String(decoding: line.dropFirst(7).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                out.append(contentsOf: "# HELP \(name) \(help[name] ?? name)\n".utf8)
            }
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
        }
        if out.last == UInt8(ascii: "\n"), text.last == UInt8(ascii: "\n") { out.removeLast() }
        return out
    }

    /// From /proc/self/statm: resident pages times the page size.
    private static func residentBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        // "size resident shared text lib data dt", in pages.
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let fields = String(cString: line).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Entries of /proc/self/fd, less the directory's own descriptor.
    private static func openFiles() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return count - 1
    }
}
