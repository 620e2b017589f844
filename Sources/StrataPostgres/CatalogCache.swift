import StrataModel
import StrataStorage

/// This front's copy of the catalog: every table's layout by name, and the
/// catalog version it was read at. Other fronts' changes arrive when the
/// version in the database moves (polled), and a write that finds its
/// table's row at another version reloads it in its own transaction.
struct CatalogCache: Sendable {
    var tables: [String: TableLayout] = [:]
    var version = -1

    /// The table a name or an ARN names; an ARN must be the table's own.
    func layout(_ reference: String) -> TableLayout? {
        guard let name = TableReference.name(inARN: reference) else { return tables[reference] }
        guard let layout = tables[name], layout.definition.arn == reference else { return nil }
        return layout
    }

    /// Keeps the newer of two copies of one table.
    mutating func store(_ layout: TableLayout) {
        if let current = tables[layout.definition.name], current.id == layout.id, current.version > layout.version { return }
        tables[layout.definition.name] = layout
    }
}
