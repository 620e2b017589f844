/// One stream of a table: made when the table's stream is enabled, closed
/// when it is disabled, and readable until 24 hours after that. Enabling
/// again makes a new stream, with a new label and ARN.
public struct StreamDefinition: Sendable, Equatable {
    /// Numbers a table's streams from 1: each change log record carries
    /// the generation of the stream it was written for.
    public var generation: Int
    public var viewType: StreamViewType
    /// Seconds since 1970.
    public var created: Double
    /// Seconds since 1970 of the disable; nil while enabled.
    public var disabled: Double?
    /// The stream's name within its table, a UTC timestamp as DynamoDB writes
    /// them (`2026-12-05T03:44:02.123`); unique among the table's streams.
    public var label: String

    /// How long records, and a disabled stream, stay readable.
    public static let retention: Double = 24 * 3600

    /// Milliseconds since 1970 before which records are past retention at `now`.
    public static func retentionCutoff(now: Double) -> Int {
        Int(((now - retention) * 1000).rounded(.down))
    }

    public init(generation: Int, viewType: StreamViewType, created: Double, disabled: Double? = nil, label: String) {
        self.generation = generation
        self.viewType = viewType
        self.created = created
        self.disabled = disabled
        self.label = label
    }

    public var isEnabled: Bool { disabled == nil }

    /// The stream's ARN, under its table's.
    public func arn(tableARN: String) -> String {
        tableARN + "/stream/" + label
    }

    /// Whether the stream may still be read at `now`.
    public func isReadable(at now: Double) -> Bool {
        guard let disabled else { return true }
        return now - disabled < Self.retention
    }
}

extension TableDefinition {
    /// The enabled stream, if any.
    public var currentStream: StreamDefinition? {
        streams.last.flatMap { $0.isEnabled ? $0 : nil }
    }

    /// Whether some stream other than the latest is past its retention at `now`.
    public func hasStreamsToForget(at now: Double) -> Bool {
        streams.dropLast().contains { !$0.isReadable(at: now) }
    }

    /// Forgets the streams disabled longer ago than their retention, and
    /// their policies; the latest stream stays, for its ARN.
    public mutating func forgetStreams(at now: Double) {
        let latest = streams.last
        streams.removeAll { !$0.isReadable(at: now) && $0 != latest }
        let kept = Set(streams.map(\.label))
        streamPolicies = streamPolicies.filter { kept.contains($0.key) }
    }

    /// Opens a new stream at `now`.
    public mutating func enableStream(_ viewType: StreamViewType, at now: Double) {
        var created = now
        var label = StreamLabel.format(created)
        // Two streams of a table never share a label (and so an ARN).
        while streams.contains(where: { $0.label == label }) {
            created += 0.001
            label = StreamLabel.format(created)
        }
        streams.append(StreamDefinition(generation: (streams.last?.generation ?? 0) + 1, viewType: viewType, created: created, label: label))
    }

    /// Closes the enabled stream at `now`.
    public mutating func disableStream(at now: Double) {
        guard let last = streams.indices.last, streams[last].isEnabled else { return }
        streams[last].disabled = now
    }
}

extension KeySchema {
    /// What a change's stream record holds: the item's attributes of this
    /// key and the images `viewType` keeps; nil if the change has no image.
    public func streamImages(old: Item?, new: Item?, viewType: StreamViewType) -> (keys: Item, old: Item?, new: Item?)? {
        guard let image = new ?? old else { return nil }
        var keys: Item = [:]
        for attribute in attributes { keys[attribute.name] = image[attribute.name] }
        return (keys, viewType.keepsOldImage ? old : nil, viewType.keepsNewImage ? new : nil)
    }
}
