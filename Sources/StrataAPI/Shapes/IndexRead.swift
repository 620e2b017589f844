import StrataExpressions
import StrataModel

/// What a Query or Scan with IndexName reads: the index, checked as
/// DynamoDB checks it, and whether the items must come from the table.
struct IndexRead {
    let index: IndexDefinition
    /// The index key attributes and then the table's: a LastEvaluatedKey.
    let keyNames: [String]
    /// A local index read that needs attributes its entries lack fetches
    /// each item from the table (and is charged for it).
    var fetchesItems = false

    /// The index the request names, if any: it must exist, a global one
    /// must be ACTIVE and read eventually consistently.
    static func resolve(_ read: ReadRequest, in table: TableDefinition) throws(DynamoError) -> IndexRead? {
        guard let name = read.indexName else { return nil }
        guard let index = table.index(named: name), index.status != .deleting else {
            throw .validation("The table does not have the specified index: \(name)")
        }
        if index.kind == .global {
            if index.status == .creating { throw .validation("Cannot read from backfilling global secondary index") }
            if read.consistent { throw .validation(consistentGlobalRead) }
        }
        var keyNames = index.keySchema.attributes.map(\.name)
        for attribute in table.keySchema.attributes where !keyNames.contains(attribute.name) { keyNames.append(attribute.name) }
        return IndexRead(index: index, keyNames: keyNames)
    }

    static let consistentGlobalRead = "Consistent reads are not supported on global secondary indexes"

    /// An ExclusiveStartKey for the index: exactly its key attributes
    /// and the table's, each of its declared type.
    func startKey(_ item: Item, table: TableDefinition) throws(DynamoError) -> Item {
        let invalid = DynamoError.validation("The provided starting key is invalid: The provided key element does not match the schema")
        guard item.count == keyNames.count else { throw invalid }
        for attribute in index.keySchema.attributes + table.keySchema.attributes {
            guard let value = item[attribute.name], attribute.type.matches(value) else { throw invalid }
        }
        return item
    }

    /// Checks what the request asks to return against what the index
    /// holds: a global index refuses what it lacks, a local one fetches it.
    mutating func checkSelection(
        _ selection: ReadSelection, select: String?, filter: ConditionExpression?, table: TableDefinition
    ) throws(DynamoError) {
        let all = index.projection.kind == .all
        var wanted: Set<String> = []
        if case .projection(let projection) = selection { wanted = projection.attributeNames }
        let missing = wanted.filter { !index.projects($0, tableKey: table.keySchema) }.sorted()
        let filterMissing = (filter?.attributeNames ?? []).filter { !index.projects($0, tableKey: table.keySchema) }.sorted()
        if index.kind == .global {
            // The filter first, then what to return, as DynamoDB Local does
            // (the select checks come after the filter's, docs/research/secondary-indexes.md §6.3).
            if !filterMissing.isEmpty {
                throw .validation(
                    "One or more parameter values were invalid: Secondary index \(index.name) does not project one or more filter attributes: [\(filterMissing.joined(separator: ", "))]")
            }
            if select == "ALL_ATTRIBUTES", !all {
                throw .validation(
                    "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index \(index.name) because its projection type is not ALL")
            }
            if !missing.isEmpty {
                throw .validation(
                    "One or more parameter values were invalid: Global secondary index \(index.name) does not project [\(missing.joined(separator: ", "))]")
            }
        } else {
            fetchesItems = (select == "ALL_ATTRIBUTES" && !all) || !missing.isEmpty || !filterMissing.isEmpty
        }
    }
}
