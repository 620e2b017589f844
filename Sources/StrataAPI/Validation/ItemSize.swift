import StrataModel

enum ItemSize {
    static func check(_ item: Item) throws(DynamoError) {
        if item.itemSize > Item.maximumItemSize {
            throw .validation("Item size has exceeded the maximum allowed size")
        }
    }
}
