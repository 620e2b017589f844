import StrataModel

/// The storage engine behind the API. Nothing above this protocol may assume
/// SQLite: a request router could run the same API over another store.
///
/// Errors thrown are `DynamoError`s a client may see (ResourceNotFound,
/// ResourceInUse, InternalFailure) or whatever a write body throws.
public protocol StorageEngine: Sendable {
    /// The executor of the engine's request threads, or nil if it needs
    /// none. Point reads run there (or on threads that adopted them) whatever
    /// their caller's executor; a request task started with this preference
    /// reads without switching threads.
    var requestExecutor: (any TaskExecutor)? { get }
    /// The executor for long requests (Scan), so that they never hold a
    /// request thread; nil if the engine needs none.
    var bulkExecutor: (any TaskExecutor)? { get }
    /// Whether the front may run request tasks on threads of its own (its
    /// event loops) that have called `adoptCallingThread()`: a request then
    /// reads where it was read off the socket, with no change of thread.
    /// False when requests must start on `requestExecutor`.
    var runsRequestsOnAdoptedThreads: Bool { get }
    /// Lets the calling thread read as the engine's request threads do, for
    /// its lifetime (see `runsRequestsOnAdoptedThreads`).
    func adoptCallingThread()

    /// The current definition of a table, or nil.
    func table(named name: String) -> TableDefinition?
    /// Every table name, in ascending order.
    func tableNames() -> [String]

    /// Creates the table's storage, laid out as the engine chooses.
    func createTable(_ definition: TableDefinition) async throws -> TableDefinition
    /// Applies `change` to the table's definition atomically and persists
    /// it. A global index that `change` adds is created (CREATING, then
    /// ACTIVE once the table's items are copied into it, in the
    /// background); one it marks DELETING is removed in the background
    /// and then leaves the definition. Local indexes come only with
    /// `createTable`.
    func updateTable(named name: String, _ change: (inout TableDefinition) throws -> Void) async throws -> TableDefinition
    func deleteTable(named name: String) async throws -> TableDefinition
    func statistics(ofTable name: String) async throws -> PartitionStatistics

    /// The stored item, read as it is: decode it, or write it as JSON.
    func getItem(table: String, key: PrimaryKey) async throws -> StoredItem?
    /// Reads the current item and writes what `body` decides, atomically:
    /// no other write to the item can come between. `body` runs on the
    /// partition's writer; if it throws, nothing is written.
    func writeItem<T: Sendable>(
        table: String, key: PrimaryKey, _ body: @escaping @Sendable (CurrentItem) throws -> ItemWrite<T>
    ) async throws -> T
    /// Stores `item` under `key` whatever is there, and returns the size
    /// of the item it replaced: a write that needs nothing else of the
    /// current item (a PutItem with no condition and no old image, on a
    /// table with no index). An engine may do it in fewer steps than
    /// `writeItem`.
    func replaceItem(table: String, key: PrimaryKey, with item: StoredItem) async throws -> Int?

    /// The items of one partition-key value whose sort key meets
    /// `condition`, in sort-key order (reversed unless `forward`), after
    /// `exclusiveStart` if given.
    func query(
        table: String, partitionKey: AttributeValue, condition: SortKeyCondition?, forward: Bool,
        exclusiveStart: PrimaryKey?, limit: PageLimit
    ) async throws -> ItemPage

    /// The items of segment `segment` of `totalSegments`, in the engine's
    /// scan order, after `exclusiveStart` if given. Throws
    /// `ScanStartOutsideSegment` if `exclusiveStart` is not an item of that
    /// segment, before reading anything.
    func scan(table: String, segment: Int, totalSegments: Int, exclusiveStart: PrimaryKey?, limit: PageLimit) async throws -> ItemPage

    /// The entries of index `index` (global or local) whose key meets
    /// `condition`, in index order (reversed unless `forward`), after the
    /// entry of `exclusiveStart` if given: an item holding the index key
    /// attributes and the table's key attributes (a LastEvaluatedKey),
    /// checked by the caller. Entries hold the projected attributes.
    func queryIndex(
        table: String, index: String, condition: IndexKeyCondition, forward: Bool, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage

    /// The entries of index `index` in segment `segment` of
    /// `totalSegments`, as `scan` does for the table. Throws
    /// `ScanStartOutsideSegment` as `scan` does.
    func scanIndex(
        table: String, index: String, segment: Int, totalSegments: Int, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage

    /// Entries and bytes of each index of the table, by index name.
    func indexStatistics(ofTable name: String) async throws -> [String: PartitionStatistics]

    /// The size in bytes of the item collection of `partitionKey` (the
    /// items with that value and their local index entries), for
    /// ItemCollectionMetrics; 0 for a table without local indexes.
    func itemCollectionSize(table: String, partitionKey: AttributeValue) async throws -> Int

    /// Runs a write transaction over `targets` (no item twice): locks them,
    /// hands `decide` the current items in order, and applies the actions
    /// it returns (one per target) all together or not at all. Throws
    /// `TransactionConflict` if another transaction holds any of the items,
    /// and whatever `decide` throws, with nothing written.
    func writeTransaction(
        _ targets: [TransactionTarget], token: TransactionToken?, _ decide: ([CurrentItem]) throws -> [ItemAction]
    ) async throws -> TransactionWriteOutcome

    /// The items of `targets`, in order, as they stand between write
    /// transactions: never half of one. Throws `TransactionConflict` if a
    /// write transaction holds some of them for longer than a read waits.
    func readTransaction(_ targets: [TransactionTarget]) async throws -> [Item?]

    /// Where each shard of stream `generation` of a table stands: one
    /// shard per partition, in the engine's order.
    func streamShards(table: String, generation: Int) async throws -> [StreamShardRange]
    /// Where shard `shard` of stream `generation` stands; nil if the table
    /// has no such shard.
    func streamShard(table: String, shard: Int, generation: Int) async throws -> StreamShardRange?
    /// Up to `limit` records of stream `generation` in shard `shard`, from
    /// sequence number `start` on, within about `maxBytes`, with where the
    /// shard stood as they were read.
    func streamRecords(
        table: String, shard: Int, generation: Int, from start: Int, limit: Int, maxBytes: Int
    ) async throws -> StreamRecordPage

    /// Whether the engine makes backups and restores tables; if not, the
    /// database's own tools do, and the calls below throw
    /// ContinuousBackupsUnavailable.
    var offersBackups: Bool { get }
    /// Takes a backup of the table as it stands now, named `name`: answers
    /// at once with it CREATING; its items are copied in the background,
    /// while writes go on, and it becomes AVAILABLE.
    func createBackup(table: String, name: String) async throws -> BackupRecord
    /// Every backup the user made, in no order.
    func backups() -> [BackupRecord]
    /// Deletes an AVAILABLE backup nothing is restoring from.
    func deleteBackup(arn: String) async throws -> BackupRecord
    /// Creates `target`, a new table whose restore is in progress, and
    /// loads backup `arn`'s items into it in the background; its restore
    /// ends once they are all in.
    func restoreTable(_ target: TableDefinition, fromBackup arn: String) async throws -> TableDefinition
    /// The same with the items of table `source` as they were at `moment`
    /// (milliseconds since 1970), which point-in-time recovery must reach.
    func restoreTable(_ target: TableDefinition, from source: String, at moment: Int) async throws -> TableDefinition

    /// Hands `consume` every item of table `name` as it was at `moment`
    /// (milliseconds since 1970, which point-in-time recovery must reach;
    /// nil: now), a page at a time; for an export.
    func readTable(_ name: String, at moment: Int?, _ consume: ([StoredItem]) throws -> Void) async throws

    /// Stores `items` in table `name` as they are, replacing what their
    /// keys hold: an import's or a load's pages, with no conditions.
    func putItems(_ items: [(key: PrimaryKey, item: StoredItem)], table name: String) async throws

    /// Each table's figures for the metrics, from memory.
    func tableMetrics() -> [TableMetrics]

    /// Reads everything the engine stores and reports what it checked and
    /// every problem found; problems are findings, not errors.
    func checkIntegrity() throws -> IntegrityReport

    /// The engine's background work (checkpoints); returns when its task
    /// is cancelled. Call it once, beside the server.
    func run() async
    /// Finishes queued writes and closes every file; call it last, once
    /// no request is left.
    func close() async
}

/// The item a write request finds, decoded only if the request looks.
public struct CurrentItem {
    public var exists: Bool { size != nil }
    /// The stored item's size as DynamoDB counts it, if there is one.
    public let size: Int?
    private let decode: () throws -> Item?

    package init(size: Int?, decode: @escaping () throws -> Item?) {
        self.size = size
        self.decode = decode
    }

    public func item() throws -> Item? {
        try decode()
    }
}

/// What a write does to its item.
public enum ItemAction: Sendable {
    case keep
    /// Store this item, encoded (off the writer when it can be).
    case put(StoredItem)
    case delete

    /// Store this item, encoded where the action is made.
    public static func put(_ item: Item) -> ItemAction {
        .put(StoredItem(item))
    }
}

extension StorageEngine {
    public func replaceItem(table: String, key: PrimaryKey, with item: StoredItem) async throws -> Int? {
        try await replaceItemByWriting(table: table, key: key, with: item)
    }

    /// `replaceItem` through `writeItem`: the default, and an engine's
    /// way when its shorter one does not apply.
    public func replaceItemByWriting(table: String, key: PrimaryKey, with item: StoredItem) async throws -> Int? {
        try await writeItem(table: table, key: key) { current in ItemWrite(.put(item), result: current.size) }
    }
}

/// What a write request does to its item, and what it answers.
public struct ItemWrite<Result: Sendable>: Sendable {
    public typealias Action = ItemAction

    public var action: Action
    public var result: Result

    public init(_ action: Action, result: Result) {
        self.action = action
        self.result = result
    }
}

/// One item of a transaction.
public struct TransactionTarget: Sendable {
    public var table: String
    public var key: PrimaryKey

    public init(table: String, key: PrimaryKey) {
        self.table = table
        self.key = key
    }
}

public enum TransactionWriteOutcome: Sendable {
    case applied
    /// The client token was used for this same request before, which was
    /// applied then; nothing was applied now.
    case alreadyApplied
}

/// Another write transaction holds some of the items: those at `indices`.
public struct TransactionConflict: Error {
    public let indices: [Int]

    package init(indices: [Int]) {
        self.indices = indices
    }
}
