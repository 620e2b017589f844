import CoreMetrics

/// The front's own metrics, beside the API's.
enum ServerMetrics {
    /// Requests shed by the in-flight cap before their bodies were read.
    static let shedRequests = Counter(label: "strata_throttled_requests_total", dimensions: [("table", ""), ("reason", "in_flight")])
}
