import StrataModel

/// One write to an index's entries.
enum IndexMutation: Sendable {
    case put([UInt8], StoredItem)
    case delete([UInt8])

    var key: [UInt8] {
        switch self {
        case .put(let key, _), .delete(let key): key
        }
    }

    /// What the index needs so that it holds the entry of `new` (if any)
    /// and no longer the entry of `old`: nothing if the entry is the same,
    /// unless `rewrite` asks for the entry to be written anyway.
    static func mutations(
        of index: IndexDefinition, old: Item?, new: Item?, tableKey: [UInt8], schema: KeySchema, rewrite: Bool = false
    ) -> [IndexMutation] {
        let oldKey = old.flatMap(index.keyValues).map { IndexKeyEncoding.entryKey($0, tableKey: tableKey) }
        guard let new, let newValues = index.keyValues(of: new) else {
            return oldKey.map { [.delete($0)] } ?? []
        }
        let newKey = IndexKeyEncoding.entryKey(newValues, tableKey: tableKey)
        let entry = index.entry(of: new, tableKey: schema)
        if oldKey == newKey, !rewrite, let old, index.entry(of: old, tableKey: schema) == entry { return [] }
        var mutations: [IndexMutation] = []
        if let oldKey, oldKey != newKey { mutations.append(.delete(oldKey)) }
        mutations.append(.put(newKey, StoredItem(entry)))
        return mutations
    }
}
