import StrataModel

/// An item as a partition stores it: its encoded bytes and the size
/// DynamoDB counts for it. A read hands it out as it is, so that a GetItem
/// without a projection writes JSON straight from the bytes and reads the
/// size without decoding anything.
public struct StoredItem: Sendable {
    package var value: [UInt8]
    public var size: Int
    /// The item itself, when it was encoded here rather than read: the
    /// writer that maintains indexes needs it, and need not decode it.
    private var decoded: Item?

    package init(value: [UInt8], size: Int) {
        self.value = value
        self.size = size
    }

    /// Encodes an item for storage; `size` is its DynamoDB size, if the
    /// caller has it already.
    public init(_ item: Item, size: Int? = nil) {
        let size = size ?? item.itemSize
        self.init(value: ItemEncoding.encode(item, size: size), size: size)
        decoded = item
    }

    public func item() throws(DynamoError) -> Item {
        if let decoded { return decoded }
        do {
            return try ItemEncoding.decode(value)
        } catch {
            throw .internalFailure("A stored item could not be decoded")
        }
    }

    /// Writes the item as DynamoDB JSON, with no `Item` in between.
    public func writeJSON(to writer: inout JSONWriter) throws(DynamoError) {
        do {
            try ItemEncoding.writeJSON(value, to: &writer)
        } catch {
            throw .internalFailure("A stored item could not be decoded")
        }
    }
}
