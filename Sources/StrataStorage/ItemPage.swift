import StrataModel

/// Items read in key order, with what DynamoDB reports about the read.
public struct ItemPage: Sendable {
    /// The items, each with its stored size.
    public private(set) var items: [(item: Item, size: Int)] = []
    /// Bytes of the items read, for the 1 MB page limit and capacity.
    public private(set) var bytesRead = 0
    /// The read stopped at its item or byte limit: there may be more, from
    /// the last item's key on.
    public var isTruncated = false

    public init() {}

    mutating func append(_ item: Item, size: Int) {
        items.append((item, size))
        bytesRead += size
    }
}

/// How much one page may read: DynamoDB stops at `Limit` items or 1 MB.
public struct PageLimit: Sendable {
    public var items: Int
    public var bytes: Int

    public static let maximumBytes = 1024 * 1024

    public init(items: Int?, bytes: Int = PageLimit.maximumBytes) {
        self.items = items ?? .max
        self.bytes = bytes
    }
}
