import StrataModel
import Synchronization

/// What a table's partitions maintain beside its items as they write: the
/// secondary indexes (and where the global ones live), the expiry of each
/// item when time to live is on, and the records of the enabled stream.
/// Its snapshot changes when UpdateTable adds or removes a global index or
/// turns the stream on or off, UpdateTimeToLive turns expiry on or off, or
/// history starts or stops;
/// every write takes the snapshot current when it runs.
final class TableIndexing: Sendable {
    struct LocalIndex: Sendable {
        var definition: IndexDefinition
        /// The table in each base partition that holds the entries.
        var sqlTable: String
    }

    struct GlobalIndex: Sendable {
        var definition: IndexDefinition
        var store: TableStore
    }

    struct Snapshot: Sendable {
        var tableKey: KeySchema
        var locals: [LocalIndex]
        var globals: [GlobalIndex]
        /// The time to live attribute, while time to live is on.
        var expiryAttribute: String?
        /// The stream that records every change, while one is enabled.
        var stream: StreamDefinition?
        /// Whether each change records the image it replaces in the
        /// partition's history: while point-in-time recovery is on or a
        /// backup is being taken.
        var keepsHistory = false

        var hasIndexes: Bool { !locals.isEmpty || !globals.isEmpty }
        var isEmpty: Bool { !hasIndexes && expiryAttribute == nil && stream == nil && !keepsHistory }
        /// Whether a write needs the item it replaces: to update the
        /// indexes, to write its stream record, or to keep its history.
        var needsOldItem: Bool { hasIndexes || stream != nil || keepsHistory }

        func global(named name: String) -> GlobalIndex? {
            globals.first { $0.definition.name == name }
        }

        func local(named name: String) -> LocalIndex? {
            locals.first { $0.definition.name == name }
        }
    }

    /// The SQL table of the local index at `position` (fixed at creation).
    static func localTable(_ position: Int) -> String {
        "local_index_\(position)"
    }

    private let state: Mutex<Snapshot>

    init(_ snapshot: Snapshot) {
        state = Mutex(snapshot)
    }

    var current: Snapshot {
        state.withLock { $0 }
    }

    func update(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0) }
    }
}
