import StrataModel
import StrataStorage

/// Where a table's rows are, from its catalog record: its items, each
/// index's entries, its stream shards.
struct TableLayout: Sendable {
    struct Index: Sendable {
        var definition: IndexDefinition
        var rows: RowSet
        /// The index's storage name, which `rows` are scoped by.
        var storage: String
    }

    let record: CatalogRecord
    /// Raised with every change to the record: a write that finds another
    /// version in its transaction reloads the record.
    let version: Int

    var definition: TableDefinition { record.definition }
    var id: String { record.definition.id }
    var items: RowSet { .items(of: id) }
    /// Stream shards, fixed at creation (`--partitions`).
    var shardCount: Int { record.partitionCount }

    /// A local index's storage name: its position, fixed at creation.
    static func localStorage(_ position: Int) -> String {
        "l\(position)"
    }

    var locals: [Index] {
        definition.localIndexes.enumerated().map { position, index in
            Index(definition: index, rows: .entries(of: id, index: Self.localStorage(position)), storage: Self.localStorage(position))
        }
    }

    /// Every global index with its rows, DELETING ones too.
    var globals: [Index] {
        definition.globalIndexes.compactMap { index in
            guard let storage = record.indexStorage[index.name] else { return nil }
            return Index(definition: index, rows: .entries(of: id, index: storage), storage: storage)
        }
    }

    /// Whether a write changes the item's row alone: no index, stream or
    /// expiry to keep up beside it.
    var itemsAlone: Bool {
        definition.localIndexes.isEmpty && definition.globalIndexes.isEmpty && definition.currentStream == nil
            && definition.timeToLiveAttribute == nil
    }

    /// The indexes a write keeps up: all but those being deleted.
    var maintained: [Index] {
        (locals + globals).filter { $0.definition.status != .deleting }
    }

    func index(named name: String) -> Index? {
        (locals + globals).first { $0.definition.name == name && $0.definition.status != .deleting }
    }

    /// The stream shard a key's records go to: shards split the hash space as partitions do.
    func shard(ofEncodedKey key: [UInt8]) -> Int {
        PartitionHash.partition(of: KeyEncoding.hash(ofEncoded: key), count: shardCount)
    }
}
