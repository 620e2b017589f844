import StrataModel

enum ItemResponse {
    /// `{"Attributes": {...}}`, or `{}` when there is nothing to return,
    /// with the consumed capacity if it was asked for.
    static func attributes(_ item: Item?, consumed: ConsumedCapacity, report: CapacityReport) -> [UInt8] {
        member(item.map { ("Attributes", $0) }, consumed: consumed, report: report)
    }

    /// `{"<name>": item}` (or `{}`) plus the consumed capacity.
    static func member(_ member: (name: String, item: Item)?, consumed: ConsumedCapacity, report: CapacityReport) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{")
        if let member {
            writer.string(member.name)
            writer.raw(":")
            writer.item(member.item)
        }
        ConsumedCapacity.append([consumed], report: report, list: false, first: member == nil, to: &writer)
        writer.raw("}")
        return writer.bytes
    }
}
