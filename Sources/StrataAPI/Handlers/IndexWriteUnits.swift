import StrataAdmission
import StrataModel

/// The write units a change of one item costs each of its table's indexes,
/// as DynamoDB charges them: a new entry is a put, a lost one a delete, a
/// moved one both, a changed one a put, and an unchanged one nothing.
struct IndexWriteUnits: Sendable {
    var charges: [(index: IndexDefinition, units: Double)] = []

    var total: Double { charges.reduce(0) { $0 + $1.units } }

    init() {}

    init(table: TableDefinition, old: Item?, new: Item?, transactional: Bool = false) {
        for index in table.indexes where index.status != .deleting {
            let units = Self.units(of: index, table: table, old: old, new: new, transactional: transactional)
            if units > 0 { charges.append((index, units)) }
        }
    }

    private static func units(of index: IndexDefinition, table: TableDefinition, old: Item?, new: Item?, transactional: Bool) -> Double {
        let oldKey = old.flatMap(index.keyValues), newKey = new.flatMap(index.keyValues)
        func cost(_ item: Item) -> Double {
            CapacityUnits.write(bytes: index.entry(of: item, tableKey: table.keySchema).itemSize, transactional: transactional)
        }
        switch (old, oldKey, new, newKey) {
        case (let old?, _?, let new?, _?) where oldKey == newKey:
            return index.entry(of: old, tableKey: table.keySchema) == index.entry(of: new, tableKey: table.keySchema) ? 0 : cost(new)
        default:
            let removed = oldKey == nil ? 0 : cost(old!)
            let added = newKey == nil ? 0 : cost(new!)
            return removed + added
        }
    }

    /// Adds the charges to a response's capacity.
    func add(to consumed: inout ConsumedCapacity) {
        for (index, units) in charges { consumed.add(units, toIndex: index) }
    }
}
