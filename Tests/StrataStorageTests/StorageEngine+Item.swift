import StrataModel
import StrataStorage

extension StorageEngine {
    /// The stored item, decoded: what the tests compare.
    func item(table: String, key: PrimaryKey) async throws -> Item? {
        try await getItem(table: table, key: key)?.item()
    }
}
