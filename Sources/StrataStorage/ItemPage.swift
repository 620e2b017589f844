import StrataModel

/// Items read in key order, with what DynamoDB reports about the read.
public struct ItemPage: Sendable {
    /// The items as stored: decoded only if the request needs their
    /// values (a filter, a projection), else written straight as JSON.
    public private(set) var items: [StoredItem] = []
    /// Bytes of the items read, for the 1 MB page limit and capacity.
    public private(set) var bytesRead = 0
    /// The read stopped at its item or byte limit: there may be more, from
    /// the last item's key on.
    public var isTruncated = false

    public init() {}

    public mutating func append(_ item: StoredItem) {
        items.append(item)
        bytesRead += item.size
    }

    /// Appends what `next` gives until `limit` is reached or `next` has
    /// nothing more; returns whether the read stopped at the limit (with
    /// `peek`, only if `next` has more).
    mutating func fill(upTo limit: PageLimit, peek: Bool, from next: () throws -> StoredItem?) rethrows -> Bool {
        while items.count < limit.items, bytesRead < limit.bytes {
            guard let item = try next() else { return false }
            append(item)
        }
        return peek ? try next() != nil : true
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
