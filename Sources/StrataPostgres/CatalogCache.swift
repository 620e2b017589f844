import StrataModel
import StrataStorage

/// This front's copy of the catalog: every table's layout by name, and the
/// catalog version it was read at. Other fronts' changes arrive when the
/// version in the database moves (polled), and a write that finds its
/// table's row at another version reloads it in its own transaction.
struct CatalogCache: Sendable {
    private(set) var tables: [String: TableLayout] = [:]
    private(set) var version = -1
    /// Counts this front's own changes to the copy. A reload read from the
    /// database before one of them may not know of it, so it is dropped.
    private(set) var changes = 0

    /// The table a name or an ARN names; an ARN must be the table's own.
    func layout(_ reference: String) -> TableLayout? {
        guard let name = TableReference.name(inARN: reference) else { return tables[reference] }
        guard let layout = tables[name], layout.definition.arn == reference else { return nil }
        return layout
    }

    /// Keeps the newer of two copies of one table.
    mutating func store(_ layout: TableLayout) {
        changes += 1
        if let current = tables[layout.definition.name], current.id == layout.id, current.version > layout.version { return }
        tables[layout.definition.name] = layout
    }

    /// Forgets a table this front deleted, unless the name already holds another.
    mutating func remove(_ name: String, id: String) {
        changes += 1
        if tables[name]?.id == id { tables[name] = nil }
    }

    /// Takes a whole catalog read at `version`, unless this front changed
    /// its copy since `changes` was taken, before the read began: a table
    /// created meanwhile would vanish until the next reload.
    mutating func replace(with tables: [String: TableLayout], version: Int, readAfter changes: Int) -> Bool {
        guard self.changes == changes else { return false }
        self.tables = tables
        self.version = version
        return true
    }
}
