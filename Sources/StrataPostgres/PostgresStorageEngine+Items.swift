import StrataPostgresWire
import StrataModel
import StrataStorage

/// Items: point reads, single-item writes, Query and Scan, on the table
/// and on its indexes.
extension PostgresStorageEngine {
    public func getItem(table: String, key: PrimaryKey) async throws -> StoredItem? {
        let layout = try layout(named: table)
        let encoded = KeyEncoding.encode(key)
        return try await translating {
            try await database.run(ReadItem(table: layout.id, key: encoded)).first
        }
    }

    public func writeItem<T: Sendable>(
        table: String, key: PrimaryKey, _ body: @escaping @Sendable (CurrentItem) throws -> ItemWrite<T>
    ) async throws -> T {
        let known = try layout(named: table)
        let encoded = KeyEncoding.encode(key)
        if known.itemsAlone, let result = try await translating({ try await writeAlone(known, encoded, body) }) {
            return result
        }
        let (result, layout) = try await translating {
            try await database.transaction { [options] connection in
                let read = ReadForWrite(name: known.definition.name, table: known.id, key: encoded)
                guard let (version, value, size) = try await read.rows(on: connection).first else {
                    throw DynamoError.resourceNotFound("Requested resource not found")
                }
                let layout = try await Self.layout(known, atVersion: version, on: connection)
                let stored = value.map { StoredItem(value: $0.bytes, size: size ?? 0) }
                let old = Decoded(stored)
                let write = try body(CurrentItem(size: stored?.size) { try old.item() })
                let writer = ItemWriter(
                    connection: connection, layout: layout, now: options.now(), itemCollectionLimit: options.itemCollectionLimit)
                try await writer.apply(write.action, to: encoded, old: try old.item())
                return (write.result, layout)
            }
        }
        if layout.version != known.version { catalog.withLock { $0.store(layout) } }
        return result
    }

    public func replaceItem(table: String, key: PrimaryKey, with item: StoredItem) async throws -> Int? {
        let known = try layout(named: table)
        if known.itemsAlone {
            let put = ReplaceBatcher.Put(
                table: known.id, name: known.definition.name, version: known.version, key: KeyEncoding.encode(key), item: item.value,
                size: item.size, deadline: database.deadline())
            let written = try await translating { try await replaces.replace(put).first }
            if let written { return written }
        }
        // The table changed meanwhile (or keeps more than its items): the general path.
        return try await replaceItemByWriting(table: table, key: key, with: item)
    }

    /// Attempts of a compare-and-set write before it takes a transaction.
    static var compareAndSetAttempts: Int { 64 }

    /// A write to a table that keeps up nothing beside its items, in two
    /// statements (each pipelined with others') instead of a transaction's
    /// four round trips: read the item, let `body` decide, then one
    /// statement that writes only if the item and the table's version are
    /// still what was read (compare and set), or else reads again. The
    /// statement runs at READ COMMITTED: it waits for a concurrent writer
    /// of the row and then compares against what that one wrote, so a hot
    /// item sees no serialization failures, and the write is atomic all
    /// the same: it takes effect at its statement, as if its read had been
    /// there. Nil if the table changed (or the item never stopped
    /// changing): the caller takes the transaction path.
    private func writeAlone<T: Sendable>(
        _ layout: TableLayout, _ key: [UInt8], _ body: @escaping @Sendable (CurrentItem) throws -> ItemWrite<T>
    ) async throws -> T? {
        // The attempts share one operation's time.
        let deadline = database.deadline()
        for _ in 0..<Self.compareAndSetAttempts {
            let read = ReadForWrite(name: layout.definition.name, table: layout.id, key: key)
            guard let (version, value, size) = try await database.run(read, by: deadline).first else {
                throw DynamoError.resourceNotFound("Requested resource not found")
            }
            guard version == layout.version else { return nil }
            let stored = value.map { StoredItem(value: $0.bytes, size: size ?? 0) }
            let old = Decoded(stored)
            let write = try body(CurrentItem(size: stored?.size) { try old.item() })
            let (name, table) = (layout.definition.name, layout.id)
            let written: [Int]
            do {
                switch (write.action, value) {
                case (.keep, _), (.delete, nil):
                    return write.result
                case (.put(let item), nil):
                    written = try await database.run(
                        InsertIfAbsent(table: table, key: key, item: item.value, size: item.size, name: name, version: version), by: deadline)
                case (.put(let item), let current?):
                    written = try await database.run(
                        ReplaceIfUnchanged(
                            table: table, key: key, item: item.value, size: item.size, name: name, version: version, old: current.bytes), by: deadline)
                case (.delete, let current?):
                    written = try await database.run(
                        DeleteIfUnchanged(table: table, key: key, name: name, version: version, old: current.bytes), by: deadline)
                }
            } catch let error as ServerError where PostgresDatabase.isRetryable(error) {
                // Two first inserts of one key at once: the loser reads again.
                continue
            }
            if written.count == 1 { return write.result }
        }
        return nil
    }

    public func query(
        table: String, partitionKey: AttributeValue, condition: SortKeyCondition?, forward: Bool,
        exclusiveStart: PrimaryKey?, limit: PageLimit
    ) async throws -> ItemPage {
        let layout = try layout(named: table)
        let range = KeyRange.query(prefix: KeyEncoding.partitionPrefix(partitionKey), condition, forward: forward, after: exclusiveStart)
        return try await read(layout.items, range, forward: forward, limit: limit, peek: true)
    }

    public func scan(table: String, segment: Int, totalSegments: Int, exclusiveStart: PrimaryKey?, limit: PageLimit) async throws -> ItemPage {
        let layout = try layout(named: table)
        return try await scan(layout.items, segment: segment, totalSegments: totalSegments, exclusiveStart: exclusiveStart.map(KeyEncoding.encode), limit: limit)
    }

    public func queryIndex(
        table: String, index: String, condition: IndexKeyCondition, forward: Bool, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage {
        let (layout, found) = try locate(index, of: table)
        let range = try KeyRange.indexQuery(
            condition, of: found.definition, tableKey: layout.definition.keySchema, forward: forward, after: exclusiveStart)
        return try await read(found.rows, range, forward: forward, limit: limit, peek: true)
    }

    public func scanIndex(
        table: String, index: String, segment: Int, totalSegments: Int, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage {
        let (layout, found) = try locate(index, of: table)
        let start = try exclusiveStart.map {
            try IndexKeyEncoding.entryKey(ofStart: $0, in: found.definition, tableKey: layout.definition.keySchema)
        }
        return try await scan(found.rows, segment: segment, totalSegments: totalSegments, exclusiveStart: start, limit: limit)
    }

    public func itemCollectionSize(table: String, partitionKey: AttributeValue) async throws -> Int {
        let layout = try layout(named: table)
        guard !layout.locals.isEmpty else { return 0 }
        let range = KeyRange.allKeys(withPrefix: KeyEncoding.partitionPrefix(partitionKey))
        return try await translating {
            try await database.withConnection { connection in
                var total = 0
                for rows in [layout.items] + layout.locals.map(\.rows) {
                    total += try await rows.statistics(in: range, on: connection).sizeBytes
                }
                return total
            }
        }
    }

    /// A segment of a table's or an index's rows: segments are equal
    /// ranges of the partition hash that leads every key.
    private func scan(_ rows: RowSet, segment: Int, totalSegments: Int, exclusiveStart: [UInt8]?, limit: PageLimit) async throws -> ItemPage {
        try ScanStartOutsideSegment.check(exclusiveStart, segment: segment, totalSegments: totalSegments)
        var range = KeyRange.hashes(PartitionHash.range(ofPartition: segment, count: totalSegments))
        if let exclusiveStart { range.resume(after: exclusiveStart, forward: true) }
        return try await withTaskExecutorPreference(threads.bulk) {
            try await read(rows, range, forward: true, limit: limit, peek: false)
        }
    }

    private func read(_ rows: RowSet, _ range: KeyRange, forward: Bool, limit: PageLimit, peek: Bool) async throws -> ItemPage {
        try await translating {
            try await database.withConnection { connection in
                var page = ItemPage()
                page.isTruncated = try await rows.read(range, forward: forward, limit: limit, peek: peek, into: &page, on: connection)
                return page
            }
        }
    }

    private func locate(_ index: String, of table: String) throws(DynamoError) -> (TableLayout, TableLayout.Index) {
        let layout = try layout(named: table)
        guard let found = layout.index(named: index) else { throw .validation("The table does not have the specified index: \(index)") }
        return (layout, found)
    }
}

/// A stored item decoded at most once, however often a write looks.
final class Decoded {
    private let stored: StoredItem?
    private var decoded: Item??

    init(_ stored: StoredItem?) {
        self.stored = stored
    }

    func item() throws -> Item? {
        if let decoded { return decoded }
        let item = try stored?.item()
        decoded = .some(item)
        return item
    }
}
