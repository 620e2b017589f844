import CoreMetrics

/// The writers' metrics: how many requests each group commit takes, and
/// how many wait behind it.
enum WriterMetrics {
    static let batchSize = Recorder(label: "strata_writer_batch_size")
    static let queueDepth = Recorder(label: "strata_writer_queue_depth")
}
