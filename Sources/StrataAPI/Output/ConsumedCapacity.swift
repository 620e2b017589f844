import StrataAdmission
import StrataModel

/// The units one table consumed, as a response reports them: in all, and
/// under INDEXES also the table's own and each index's.
struct ConsumedCapacity {
    let tableName: String
    /// Everything: the table's units and its indexes'.
    var units: Double
    /// Transactions also report the units as read or write units.
    var split: Access? = nil
    /// Units of each index, in the order first charged.
    var globalIndexes: [(name: String, units: Double)] = []
    var localIndexes: [(name: String, units: Double)] = []
    /// A read of an index alone reports no `Table` member.
    var readsTable = true

    /// The table's own share of `units`.
    var tableUnits: Double {
        units - (globalIndexes + localIndexes).reduce(0) { $0 + $1.units }
    }

    /// Adds units charged to an index (and to the total).
    mutating func add(_ units: Double, toIndex index: IndexDefinition) {
        guard units > 0 else { return }
        self.units += units
        if index.kind == .global { Self.add(units, to: &globalIndexes, name: index.name) } else { Self.add(units, to: &localIndexes, name: index.name) }
    }

    /// Adds what another request (of a batch) consumed on the same table.
    mutating func add(_ other: ConsumedCapacity) {
        units += other.units
        for (name, units) in other.globalIndexes { Self.add(units, to: &globalIndexes, name: name) }
        for (name, units) in other.localIndexes { Self.add(units, to: &localIndexes, name: name) }
        readsTable = readsTable || other.readsTable
    }

    private static func add(_ units: Double, to list: inout [(name: String, units: Double)], name: String) {
        if let position = list.firstIndex(where: { $0.name == name }) { list[position].units += units } else { list.append((name, units)) }
    }

    /// `"ConsumedCapacity": {...}` if `report` asks for it, after a comma
    /// unless it is the object's first member; a list for the batch operations.
    static func append(
        _ consumed: [ConsumedCapacity], report: CapacityReport, list: Bool, first: Bool = false, to writer: inout JSONWriter
    ) {
        guard report != .none, list || !consumed.isEmpty else { return }
        if !first { writer.raw(",") }
        writer.raw("\"ConsumedCapacity\":")
        if list { writer.raw("[") }
        for (index, entry) in consumed.enumerated() {
            if index > 0 { writer.raw(",") }
            entry.write(report: report, to: &writer)
        }
        if list { writer.raw("]") }
    }

    private func write(report: CapacityReport, to writer: inout JSONWriter) {
        writer.raw("{\"TableName\":")
        writer.string(tableName)
        writeUnits(units, to: &writer)
        if report == .indexes {
            if readsTable {
                writer.raw(",\"Table\":{")
                writeUnits(tableUnits, first: true, to: &writer)
                writer.raw("}")
            }
            for (member, indexes) in [("LocalSecondaryIndexes", localIndexes), ("GlobalSecondaryIndexes", globalIndexes)] where !indexes.isEmpty {
                writer.raw(",")
                writer.string(member)
                writer.raw(":{")
                for (position, index) in indexes.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.string(index.name)
                    writer.raw(":{")
                    writeUnits(index.units, first: true, to: &writer)
                    writer.raw("}")
                }
                writer.raw("}")
            }
        }
        writer.raw("}")
    }

    private func writeUnits(_ units: Double, first: Bool = false, to writer: inout JSONWriter) {
        writer.raw(first ? "\"CapacityUnits\":" : ",\"CapacityUnits\":")
        Self.number(units, to: &writer)
        switch split {
        case .read?: writer.raw(",\"ReadCapacityUnits\":")
        case .write?: writer.raw(",\"WriteCapacityUnits\":")
        case nil: return
        }
        Self.number(units, to: &writer)
    }

    /// Units are multiples of 0.5, sent as doubles: `1.0`, `0.5`.
    private static func number(_ units: Double, to writer: inout JSONWriter) {
        let halves = Int((units * 2).rounded())
        writer.int(halves / 2)
        writer.raw(halves % 2 == 0 ? ".0" : ".5")
    }
}

/// Accumulates units per table, in the order tables first appear.
struct ConsumedCapacityLedger {
    private(set) var entries: [ConsumedCapacity] = []
    /// Set for transactions, whose entries split the units by access.
    var split: Access?

    mutating func add(_ units: Double, table: String) {
        add(ConsumedCapacity(tableName: table, units: units))
    }

    mutating func add(_ capacity: ConsumedCapacity) {
        if let index = entries.firstIndex(where: { $0.tableName == capacity.tableName }) {
            entries[index].add(capacity)
        } else {
            var entry = capacity
            entry.split = split
            entries.append(entry)
        }
    }
}
