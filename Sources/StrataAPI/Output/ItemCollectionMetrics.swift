import StrataModel

/// ItemCollectionMetrics: the size of the item collection a write touched,
/// reported for tables with local indexes when ReturnItemCollectionMetrics
/// is SIZE, as a range of whole gigabytes.
struct ItemCollectionMetrics {
    var key: Item
    var sizeBytes: Int

    /// Whether the request asks for them (SIZE); NONE or nothing does not.
    static func decode(_ request: RequestBody, into violations: inout ConstraintViolations) throws(DynamoError) -> Bool {
        let value = try request.string("ReturnItemCollectionMetrics")
        violations.checkEnum(value, at: "returnItemCollectionMetrics", allowed: ["SIZE", "NONE"])
        return value == "SIZE"
    }

    func write(to writer: inout JSONWriter) {
        let gigabytes = sizeBytes / (1 << 30)
        writer.raw("\"ItemCollectionMetrics\":{\"ItemCollectionKey\":")
        writer.item(key)
        writer.raw(",\"SizeEstimateRangeGB\":[")
        writer.int(gigabytes)
        writer.raw(".0,")
        writer.int(gigabytes + 1)
        writer.raw(".0]}")
    }
}

extension DynamoAPI {
    /// The metrics of `partitionKey`'s collection after a write, if asked
    /// for and the table has local indexes.
    func collectionMetrics(asked: Bool, table: TableDefinition, partitionKey: AttributeValue) async throws -> ItemCollectionMetrics? {
        guard asked, !table.localIndexes.isEmpty else { return nil }
        let size = try await storage.itemCollectionSize(table: table.name, partitionKey: partitionKey)
        return ItemCollectionMetrics(key: [table.keySchema.partitionKey.name: partitionKey], sizeBytes: size)
    }
}
