/// A shard's id, `shardId-<stream creation, 20 digits>-<partition, 8 digits>`:
/// within a stream, ids sort as their partitions do.
struct ShardID: Sendable, Equatable {
    /// The stream's creation in milliseconds since 1970.
    let streamCreated: Int
    /// The table partition whose records the shard holds.
    let partition: Int

    init(streamCreated seconds: Double, partition: Int) {
        streamCreated = Int((seconds * 1000).rounded(.down))
        self.partition = partition
    }

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "shardId", parts[1].utf8.count == 20, parts[2].utf8.count == 8,
              let created = Int(parts[1]), let partition = Int(parts[2]), created >= 0, partition >= 0
        else { return nil }
        streamCreated = created
        self.partition = partition
    }

    var text: String {
        "shardId-" + Self.pad(streamCreated, 20) + "-" + Self.pad(partition, 8)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
