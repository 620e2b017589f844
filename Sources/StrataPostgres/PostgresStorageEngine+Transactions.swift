import StrataPostgresWire
import StrataModel
import StrataStorage

/// TransactWriteItems and TransactGetItems: one database transaction each.
extension PostgresStorageEngine {
    public func writeTransaction(
        _ targets: [TransactionTarget], token: TransactionToken?, _ decide: ([CurrentItem]) throws -> [ItemAction]
    ) async throws -> TransactionWriteOutcome {
        let layouts = try targets.map { target throws(DynamoError) in try layout(named: target.table) }
        let keys = targets.map { KeyEncoding.encode($0.key) }
        let window = postgres.clientTokenWindow
        return try await withoutActuallyEscaping(decide) { decide in
            // `decide` runs inside the transaction's task, which this call
            // awaits to the end: it never outlives the call nor runs twice at once.
            let box = UncheckedSendable(decide)
            return try await translating {
                do {
                    return try await database.transaction { [options] connection -> TransactionWriteOutcome in
                        let now = options.now()
                        if let token, try await Self.claim(token, now: Int(now), window: window, on: connection) {
                            return .alreadyApplied
                        }
                        var current: [TableLayout] = []
                        for layout in layouts { current.append(try await Self.fresh(layout, on: connection)) }
                        var stored: [Decoded] = []
                        var items: [CurrentItem] = []
                        for (layout, key) in zip(current, keys) {
                            let item = try await layout.items.get(key, on: connection)
                            let decoded = Decoded(item)
                            stored.append(decoded)
                            items.append(CurrentItem(size: item?.size) { try decoded.item() })
                        }
                        let actions = try box.value(items)
                        for (position, action) in actions.enumerated() {
                            let writer = ItemWriter(
                                connection: connection, layout: current[position], now: now,
                                itemCollectionLimit: options.itemCollectionLimit)
                            try await writer.apply(action, to: keys[position], old: try stored[position].item())
                        }
                        if let token { try await Self.record(token, now: Int(now), on: connection) }
                        return .applied
                    }
                } catch is RetriesExhausted {
                    // Other transactions held the items until the deadline: DynamoDB's answer is a conflict.
                    throw TransactionConflict(indices: Array(targets.indices))
                } catch let ambiguous as AmbiguousCommit {
                    // The commit's answer was lost: the token's row says whether it happened.
                    guard let token, try await tokenRecorded(token) else { throw ambiguous }
                    return .applied
                }
            }
        }
    }

    public func readTransaction(_ targets: [TransactionTarget]) async throws -> [Item?] {
        let layouts = try targets.map { target throws(DynamoError) in try layout(named: target.table) }
        let keys = targets.map { KeyEncoding.encode($0.key) }
        return try await translating {
            try await database.transaction(.snapshot) { connection in
                var items: [Item?] = []
                for (layout, key) in zip(layouts, keys) {
                    items.append(try await layout.items.get(key, on: connection)?.item())
                }
                return items
            }
        }
    }

    /// The layout as the transaction sees the table: reloaded if another
    /// front changed it; ResourceNotFound if it is gone.
    static func fresh(_ layout: TableLayout, on connection: PostgresConnection) async throws -> TableLayout {
        let read = ReadTableVersion(name: layout.definition.name, table: layout.id)
        guard let version = try await read.rows(on: connection).first else {
            throw DynamoError.resourceNotFound("Requested resource not found")
        }
        return try await Self.layout(layout, atVersion: version, on: connection)
    }

    /// `known` if the table's row has its version, else the row as the
    /// transaction sees it; ResourceNotFound if it is gone.
    static func layout(_ known: TableLayout, atVersion version: Int, on connection: PostgresConnection) async throws -> TableLayout {
        if version == known.version { return known }
        guard let current = try await currentLayout(named: known.definition.name, on: connection) else {
            throw DynamoError.resourceNotFound("Requested resource not found")
        }
        return current
    }

    /// Whether the token already answers for this same request (true:
    /// applied before). Another request under it within the window is refused.
    static func claim(_ token: TransactionToken, now: Int, window: Int, on connection: PostgresConnection) async throws -> Bool {
        var read = Statement()
        read.sql = "SELECT fingerprint, created FROM strata_client_tokens WHERE token = \(read.bind(token.token))"
        guard let row = try await read.run(on: connection).first else { return false }
        let (fingerprint, created) = try row.decode((Bytea, Int).self)
        guard now - created < window else { return false }
        guard fingerprint.bytes == token.fingerprint else {
            throw DynamoError.idempotentParameterMismatch(
                "Request token already used with a different request within the last \(window / 60) minutes")
        }
        return true
    }

    static func record(_ token: TransactionToken, now: Int, on connection: PostgresConnection) async throws {
        var write = Statement()
        write.sql = """
            INSERT INTO strata_client_tokens (token, fingerprint, created)
            VALUES (\(write.bind(token.token)), \(write.bind(Bytea(token.fingerprint))), \(write.bind(now)))
            ON CONFLICT (token) DO UPDATE SET fingerprint = excluded.fingerprint, created = excluded.created
            """
        _ = try await write.run(on: connection)
    }

    private func tokenRecorded(_ token: TransactionToken) async throws -> Bool {
        try await translating {
            try await database.withConnection { connection in
                var read = Statement()
                read.sql = "SELECT fingerprint FROM strata_client_tokens WHERE token = \(read.bind(token.token))"
                return try await read.run(on: connection).first.map { try $0.decode(Bytea.self).bytes == token.fingerprint } ?? false
            }
        }
    }
}

/// Carries a value into a task that the caller awaits to the end: safe
/// only where that holds, as each use says.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
