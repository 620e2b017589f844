import CoreMetrics
import StrataModel
import Synchronization

/// The API's metrics, through swift-metrics (the executable chooses the
/// backend): requests by operation and outcome, their latency by
/// operation, errors by type, and throttled requests by table and reason.
/// A handle is made once per label set: making one takes the backend's lock.
final class RequestMetrics: Sendable {
    /// What every request of an operation touches, found with one lookup.
    private struct OperationHandles {
        let succeeded: Counter
        let duration: Timer
    }

    private let operations = Mutex<[String: OperationHandles]>([:])
    /// The rarer ones: failures by type, throttles by table.
    private let counters = Mutex<[[String]: Counter]>([:])

    /// `operation` is nil for a target no route knows (its text would make
    /// label values without bound).
    func record(operation: String?, table: String?, error: DynamoError?, duration: Duration) {
        let operation = operation ?? "unknown"
        let handles = handles(of: operation)
        handles.duration.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        guard let error else { return handles.succeeded.increment() }
        counter("strata_requests_total", ["operation", operation, "outcome", error.typeName]).increment()
        counter("strata_errors_total", ["type", error.typeName]).increment()
        if error.isThrottling {
            counter("strata_throttled_requests_total", ["table", table ?? "", "reason", error.typeName]).increment()
        }
    }

    private func handles(of operation: String) -> OperationHandles {
        if let handles = operations.withLock({ $0[operation] }) { return handles }
        let handles = OperationHandles(
            succeeded: Counter(label: "strata_requests_total", dimensions: [("operation", operation), ("outcome", "success")]),
            duration: Timer(label: "strata_request_duration_seconds", dimensions: [("operation", operation)], preferredDisplayUnit: .seconds))
        operations.withLock { $0[operation] = handles }
        return handles
    }

    /// `labels`: name, value, name, value...
    private func counter(_ name: String, _ labels: [String]) -> Counter {
        let key = [name] + labels
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let dimensions = stride(from: 0, to: labels.count, by: 2).map { (labels[$0], labels[$0 + 1]) }
        let counter = Counter(label: name, dimensions: dimensions)
        counters.withLock { $0[key] = counter }
        return counter
    }
}

extension DynamoError {
    /// Whether admission control refused the request.
    var isThrottling: Bool {
        switch self {
        case .provisionedThroughputExceeded, .throttling, .requestLimitExceeded: true
        default: false
        }
    }
}
