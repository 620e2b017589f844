import StrataModel

/// A GetRecords position: which shard of which stream, the sequence number
/// to read from, and when the iterator was handed out (it expires after 15
/// minutes). Written as `<position>|<issued ms>|<shard id>|<stream ARN>`;
/// anything else is refused as malformed.
struct ShardIterator: Sendable, Equatable {
    let stream: StreamARN
    let shard: ShardID
    /// The first sequence number a read returns.
    let position: Int
    /// Milliseconds since 1970.
    let issued: Int

    /// How long an iterator stays usable.
    static let lifetime: Double = 15 * 60

    init(stream: StreamARN, shard: ShardID, position: Int, issuedAt seconds: Double) {
        self.stream = stream
        self.shard = shard
        self.position = position
        issued = Int((seconds * 1000).rounded(.down))
    }

    init?(_ text: String) {
        let parts = text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let position = Int(parts[0]), position >= 0, let issued = Int(parts[1]),
              let shard = ShardID(String(parts[2])), let stream = StreamARN(String(parts[3]))
        else { return nil }
        self.stream = stream
        self.shard = shard
        self.position = position
        self.issued = issued
    }

    var text: String {
        "\(position)|\(issued)|\(shard.text)|\(stream.text)"
    }

    /// The same iterator moved to `position`, handed out at `now`.
    func moved(to position: Int, at now: Double) -> ShardIterator {
        ShardIterator(stream: stream, shard: shard, position: position, issuedAt: now)
    }

    /// Refuses an iterator handed out more than 15 minutes before `now`.
    func checkFresh(at now: Double) throws(DynamoError) {
        let nowMilliseconds = Int((now * 1000).rounded(.down))
        let tolerated = Int(Self.lifetime * 1000)
        guard nowMilliseconds - issued <= tolerated else {
            throw .expiredIterator(
                "Iterator expired. The iterator was created at time \(issued) while right now it is \(nowMilliseconds) which is further in the future than the tolerated delay of \(tolerated) milliseconds.")
        }
    }
}
