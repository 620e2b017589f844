import StrataModel

/// One change to an item as a table's stream keeps it: what happened, when,
/// and the images its stream's view type asks for.
public struct StreamRecord: Sendable, Equatable {
    /// On disk: never renumber.
    public enum Event: Int, Sendable {
        case insert = 1
        case modify = 2
        case remove = 3
    }

    /// Who made the change. On disk: never renumber.
    public enum Origin: Int, Sendable {
        case request = 0
        /// The time to live sweeper, which DynamoDB reports as its own service.
        case timeToLive = 1
    }

    /// Grows with every record of the partition, across restarts.
    public var sequence: Int
    public var event: Event
    public var origin: Origin
    /// Milliseconds since 1970.
    public var time: Int
    public var keys: Item
    public var oldImage: Item?
    public var newImage: Item?

    package init(sequence: Int, event: Event, origin: Origin, time: Int, keys: Item, oldImage: Item?, newImage: Item?) {
        self.sequence = sequence
        self.event = event
        self.origin = origin
        self.time = time
        self.keys = keys
        self.oldImage = oldImage
        self.newImage = newImage
    }
}

/// Records of one shard, and where the shard stood when they were read.
public struct StreamRecordPage: Sendable {
    public var records: [StreamRecord]
    public var shard: StreamShardRange

    public init(records: [StreamRecord], shard: StreamShardRange) {
        self.records = records
        self.shard = shard
    }
}

/// Where one shard of a stream (its records in one partition) stands.
public struct StreamShardRange: Sendable, Equatable {
    /// The stream's first and last records still kept in the partition; nil if none.
    public var first: Int?
    public var last: Int?
    /// The sequence number the partition's next record takes.
    public var next: Int
    /// Every record up to this sequence number has been trimmed.
    public var trimmedThrough: Int

    package init(first: Int?, last: Int?, next: Int, trimmedThrough: Int) {
        self.first = first
        self.last = last
        self.next = next
        self.trimmedThrough = trimmedThrough
    }

    /// A partition that never wrote anything.
    public static let empty = StreamShardRange(first: nil, last: nil, next: 1, trimmedThrough: 0)
}
