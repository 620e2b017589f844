import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    /// The answer to a page read from an index: with the items fetched
    /// from the table if the index lacks what the request wants, charged
    /// to `ticket`.
    func respond(
        to read: ReadRequest, index: IndexRead, page entries: ItemPage, table: TableDefinition, filter: ConditionExpression?,
        selection: ReadSelection, ticket: AdmissionTicket
    ) async throws -> ItemListOutput {
        var page = entries
        var fetched = 0.0
        if index.fetchesItems { (page, fetched) = try await fetchItems(of: entries, table: table, consistent: read.consistent) }
        let consumed = indexCapacity(entries, fetchedUnits: fetched, read: index, table: table.name, consistent: read.consistent)
        ticket.charge(consumed.units)
        return try read.respond(page: page, filter: filter, selection: selection, keyNames: index.keyNames, consumed: consumed)
    }

    /// What a page read from an index consumed: its entries, charged to
    /// the index, and the items fetched from the table, each charged on its own.
    private func indexCapacity(
        _ page: ItemPage, fetchedUnits: Double, read: IndexRead, table: String, consistent: Bool
    ) -> ConsumedCapacity {
        var consumed = ConsumedCapacity(tableName: table, units: fetchedUnits)
        consumed.readsTable = read.fetchesItems
        consumed.add(CapacityUnits.read(bytes: page.bytesRead, consistent: consistent), toIndex: read.index)
        return consumed
    }

    /// A local index's entries replaced by their items, read from the
    /// table as DynamoDB does when the index lacks attributes the request
    /// wants; returns the page and the units of the fetches.
    private func fetchItems(of page: ItemPage, table: TableDefinition, consistent: Bool) async throws -> (ItemPage, Double) {
        var items = ItemPage()
        items.isTruncated = page.isTruncated
        var units = 0.0
        for entry in page.items {
            let decoded = try entry.item()
            guard let partition = decoded[table.keySchema.partitionKey.name] else { continue }
            let key = PrimaryKey(partition: partition, sort: table.keySchema.sortKey.flatMap { decoded[$0.name] })
            // Gone since the entry was read: nothing to return.
            guard let item = try await storage.getItem(table: table.name, key: key) else { continue }
            units += CapacityUnits.read(bytes: item.size, consistent: consistent)
            items.append(item)
        }
        return (items, units)
    }
}
