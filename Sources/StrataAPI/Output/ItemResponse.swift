import StrataModel

enum ItemResponse {
    /// `{"Attributes": {...}}`, or `{}` when there is nothing to return.
    static func attributes(_ item: Item?) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{")
        if let item {
            writer.raw("\"Attributes\":")
            writer.item(item)
        }
        writer.raw("}")
        return writer.bytes
    }
}
