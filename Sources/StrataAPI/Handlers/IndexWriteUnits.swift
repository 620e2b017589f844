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
        func cost(_ item: Item) -> Double {
            CapacityUnits.write(bytes: index.entry(of: item, tableKey: table.keySchema).itemSize, transactional: transactional)
        }
        // The items that have an entry, with its key.
        let before = old.flatMap { item in index.keyValues(of: item).map { (key: $0, item: item) } }
        let after = new.flatMap { item in index.keyValues(of: item).map { (key: $0, item: item) } }
        if let before, let after, before.key == after.key {
            let unchanged = index.entry(of: before.item, tableKey: table.keySchema) == index.entry(of: after.item, tableKey: table.keySchema)
            return unchanged ? 0 : cost(after.item)
        }
        return (before.map { cost($0.item) } ?? 0) + (after.map { cost($0.item) } ?? 0)
    }

    /// Adds the charges to a response's capacity.
    func add(to consumed: inout ConsumedCapacity) {
        for (index, units) in charges { consumed.add(units, toIndex: index) }
    }
}
