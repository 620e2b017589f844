import StrataPostgresWire
import StrataModel
import StrataStorage

/// Writes an item inside a transaction together with what the table keeps
/// up beside it: index entries, the stream record, the expiry. Everything
/// commits, or nothing does.
struct ItemWriter {
    let connection: PostgresConnection
    let layout: TableLayout
    /// Seconds since 1970, for stream records.
    let now: Double
    /// Bytes an item collection may hold, on a table with local indexes.
    let itemCollectionLimit: Int

    /// Does what a request decided to the item under `key`, which is `old`
    /// (nil: none).
    func apply(_ action: ItemAction, to key: [UInt8], old: Item?) async throws {
        switch action {
        case .keep: break
        case .put(let item): try await put(key, item, old: old, limitingCollection: true)
        case .delete: if let old { try await delete(key, old: old) }
        }
    }

    /// Stores `new` under `key` over `old` (nil: none).
    func put(_ key: [UInt8], _ new: StoredItem, old: Item?, limitingCollection: Bool = false, origin: StreamRecord.Origin = .request) async throws {
        let newItem = try new.item()
        let definition = layout.definition
        // A write that changes nothing leaves the indexes as they are and the stream without a record.
        if let old, old.isSameItem(as: newItem) { return }
        try await maintainIndexes(key: key, old: old, new: newItem)
        if let stream = definition.currentStream {
            try await record(old == nil ? .insert : .modify, in: stream, key: key, old: old, new: newItem, origin: origin)
        }
        if let attribute = definition.timeToLiveAttribute {
            try await ExpiryRows.set(
                table: layout.id, key: key, expiresAt: ItemExpiry.seconds(of: newItem, attribute: attribute), on: connection)
        }
        try await layout.items.upsert(key, new, on: connection)
        if limitingCollection, !definition.localIndexes.isEmpty, new.size > (old?.itemSize ?? 0) {
            try await checkCollectionSize(of: key)
        }
    }

    /// Deletes the item under `key`, which is `old`.
    func delete(_ key: [UInt8], old: Item, origin: StreamRecord.Origin = .request) async throws {
        let definition = layout.definition
        try await maintainIndexes(key: key, old: old, new: nil)
        if let stream = definition.currentStream {
            try await record(.remove, in: stream, key: key, old: old, new: nil, origin: origin)
        }
        if definition.timeToLiveAttribute != nil {
            try await ExpiryRows.set(table: layout.id, key: key, expiresAt: nil, on: connection)
        }
        try await layout.items.delete(key, on: connection)
    }

    private func maintainIndexes(key: [UInt8], old: Item?, new: Item?) async throws {
        for index in layout.maintained {
            let mutations = IndexMutation.mutations(
                of: index.definition, old: old, new: new, tableKey: key, schema: layout.definition.keySchema)
            for mutation in mutations {
                switch mutation {
                case .put(let entryKey, let entry): try await index.rows.upsert(entryKey, entry, on: connection)
                case .delete(let entryKey): try await index.rows.delete(entryKey, on: connection)
                }
            }
        }
    }

    /// Appends the change's record to its shard, with the images the
    /// stream's view type keeps. The shard's row lock orders the claim:
    /// within a shard, sequence order is commit order.
    private func record(
        _ event: StreamRecord.Event, in stream: StreamDefinition, key: [UInt8], old: Item?, new: Item?, origin: StreamRecord.Origin
    ) async throws {
        guard let images = layout.definition.keySchema.streamImages(old: old, new: new, viewType: stream.viewType) else { return }
        try await StreamRows.append(
            table: layout.id, shard: layout.shard(ofEncodedKey: key), generation: stream.generation,
            at: Int((now * 1000).rounded(.down)), event: event, origin: origin, keys: images.keys, old: images.old, new: images.new,
            on: connection)
    }

    /// The items of the key's partition-key value and their local index
    /// entries must stay within the limit.
    private func checkCollectionSize(of key: [UInt8]) async throws {
        let range = KeyRange.allKeys(withPrefix: Array(key.prefix(KeyEncoding.partitionPrefixLength(ofEncoded: key))))
        var total = try await layout.items.statistics(in: range, on: connection).sizeBytes
        for local in layout.locals { total += try await local.rows.statistics(in: range, on: connection).sizeBytes }
        if total > itemCollectionLimit {
            throw DynamoError.itemCollectionSizeLimitExceeded("Collection size exceeded")
        }
    }
}
