import StrataModel

/// The units one table consumed, as a response reports them.
struct ConsumedCapacity {
    let tableName: String
    var units: Double

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
        writer.raw(",\"CapacityUnits\":")
        Self.number(units, to: &writer)
        if report == .indexes {
            writer.raw(",\"Table\":{\"CapacityUnits\":")
            Self.number(units, to: &writer)
            writer.raw("}")
        }
        writer.raw("}")
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

    mutating func add(_ units: Double, table: String) {
        if let index = entries.firstIndex(where: { $0.tableName == table }) {
            entries[index].units += units
        } else {
            entries.append(ConsumedCapacity(tableName: table, units: units))
        }
    }
}
