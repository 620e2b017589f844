import StrataModel

/// DynamoDB's 400 KB item limit, with the message of each way to pass it.
enum ItemSize {
    static func check(_ item: Item) throws(DynamoError) {
        try check(size: item.itemSize)
    }

    static func check(size: Int) throws(DynamoError) {
        if size > Item.maximumItemSize {
            throw .validation("Item size has exceeded the maximum allowed size")
        }
    }

    /// An update whose result would pass the limit.
    static func checkUpdated(_ size: Int) throws(DynamoError) {
        if size > Item.maximumItemSize {
            throw .validation("Item size to update has exceeded the maximum allowed size")
        }
    }
}
