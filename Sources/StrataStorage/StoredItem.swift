/// An item as a partition stores it: its encoded bytes and the size
/// DynamoDB counts for it.
struct StoredItem: Sendable {
    var value: [UInt8]
    var size: Int
}
