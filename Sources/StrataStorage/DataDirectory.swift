/// Where the engine keeps its files under a data directory; the names are
/// on disk, so the engine and the integrity check both take them from here.
struct DataDirectory: Sendable {
    let path: String

    var catalog: String { path + "/catalog.sqlite" }
    var transactionLog: String { path + "/transactions.sqlite" }
    /// Locked by the one process that uses the directory.
    var lock: String { path + "/.lock" }
    /// Holds one directory per table, named by the table's id.
    var tables: String { path + "/tables" }

    /// Holds one file per backup, named by the backup's id.
    var backups: String { path + "/backups" }

    func backup(id: String) -> String {
        "\(backups)/\(id).sqlite"
    }

    func table(id: String) -> String {
        "\(tables)/\(id)"
    }

    func partition(_ index: Int, ofTable id: String) -> String {
        "\(table(id: id))/p\(index).sqlite"
    }

    /// A global index's partitions live beside its table's, named by the
    /// index's storage name.
    func partition(_ index: Int, ofIndex storage: String, table id: String) -> String {
        "\(table(id: id))/\(storage)-p\(index).sqlite"
    }
}
