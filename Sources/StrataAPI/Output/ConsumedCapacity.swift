import StrataAdmission
import StrataModel

/// The units one table consumed, as a response reports them.
struct ConsumedCapacity {
    let tableName: String
    var units: Double
    /// Transactions also report the units as read or write units.
    var split: Access? = nil

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
        writeUnits(to: &writer)
        if report == .indexes {
            writer.raw(",\"Table\":{")
            writeUnits(first: true, to: &writer)
            writer.raw("}")
        }
        writer.raw("}")
    }

    private func writeUnits(first: Bool = false, to writer: inout JSONWriter) {
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
        if let index = entries.firstIndex(where: { $0.tableName == table }) {
            entries[index].units += units
        } else {
            entries.append(ConsumedCapacity(tableName: table, units: units, split: split))
        }
    }
}
