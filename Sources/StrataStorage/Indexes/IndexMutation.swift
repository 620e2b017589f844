import StrataModel

/// One write to an index's entries.
package enum IndexMutation: Sendable {
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
    package static func mutations(
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

    /// What a logged change needs after a restart: away with the entries
    /// the old image had (`oldEntries`, by index name) where the item's
    /// current entry differs, and the current entry (re)written.
    static func replay(
        oldEntries: [String: [UInt8]], current: Item?, tableKey: [UInt8], indexes: [IndexDefinition], schema: KeySchema
    ) -> [(index: String, mutation: IndexMutation)] {
        var result: [(index: String, mutation: IndexMutation)] = []
        for index in indexes where index.status != .deleting {
            let newValues = current.flatMap(index.keyValues)
            let newKey = newValues.map { IndexKeyEncoding.entryKey($0, tableKey: tableKey) }
            if let oldKey = oldEntries[index.name], oldKey != newKey { result.append((index.name, .delete(oldKey))) }
            if let newKey, let current {
                result.append((index.name, .put(newKey, StoredItem(index.entry(of: current, tableKey: schema)))))
            }
        }
        return result
    }
}
