import Logging
import StrataPostgresWire
import StrataModel
import StrataStorage

/// The work no request waits for: following other fronts' catalog
/// changes, and the jobs exactly one front does at a time, each under a
/// lease in `strata_leases` that a front renews while it works and another
/// takes over once it lapses: time to live, stream trimming, global index
/// backfill and removal, and the rows of deleted tables.
extension PostgresStorageEngine {
    /// Rows one step of a job handles in one transaction.
    static var jobPage: Int { 256 }
    /// Items one transaction of a walk (a backfill, an expiry fill)
    /// handles: few, so that it seldom meets a write to one of them.
    static var walkPage: Int { 64 }
    /// Seconds a lease lasts unless renewed: how long a dead front's jobs wait.
    static var leaseSeconds: Int { 10 }

    func runBackgroundJobs() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.repeatUntilClosed(every: .milliseconds(100)) { try await self.refreshCatalog() } }
            group.addTask {
                await self.repeatUntilClosed(every: .seconds(1)) {
                    try await self.heartbeat()
                    if try await self.holdLease("indexes") { try await self.doIndexWork() }
                    if try await self.holdLease("dropped-tables") { try await self.removeDroppedTables() }
                }
            }
            group.addTask {
                await self.repeatUntilClosed(every: self.options.timeToLiveInterval) {
                    if try await self.holdLease("time-to-live") {
                        await self.sweepExpiredItems(now: self.options.now())
                        try await self.forgetClientTokens(now: self.options.now())
                    }
                }
            }
            group.addTask {
                await self.repeatUntilClosed(every: self.options.streamTrimInterval) {
                    if try await self.holdLease("stream-trim") { await self.trimStreamRecords(now: self.options.now()) }
                }
            }
        }
    }

    private func repeatUntilClosed(every interval: Duration, _ work: () async throws -> Void) async {
        while !closing.load(ordering: .relaxed), !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if closing.load(ordering: .relaxed) || Task.isCancelled { return }
            do {
                try await work()
            } catch {
                logger.debug("Background work failed; it runs again", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Takes or renews the lease of `job`; whether this front holds it.
    func holdLease(_ job: String) async throws -> Bool {
        let now = Int(options.now())
        let front = postgres.frontID
        return try await database.transaction { connection in
            var take = Statement()
            let holder = take.bind(front)
            take.sql = """
                INSERT INTO strata_leases (job, holder, expires) VALUES (\(take.bind(job)), \(holder), \(take.bind(now + Self.leaseSeconds)))
                ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
                WHERE strata_leases.holder = excluded.holder OR strata_leases.expires < \(take.bind(now))
                """
            return try await take.execute(on: connection) == 1
        }
    }

    /// Seconds a front's heartbeat counts it alive.
    static var heartbeatLifetime: Int { 5 }

    /// Records that this front is alive, and counts the fronts that are.
    private func heartbeat() async throws {
        let now = Int(options.now())
        let front = postgres.frontID
        let alive = try await database.withConnection { connection in
            var beat = Statement()
            beat.sql = """
                INSERT INTO strata_fronts (front_id, heartbeat) VALUES (\(beat.bind(front)), \(beat.bind(now)))
                ON CONFLICT (front_id) DO UPDATE SET heartbeat = excluded.heartbeat
                """
            _ = try await beat.run(on: connection)
            var count = Statement()
            count.sql = "SELECT count(*) FROM strata_fronts WHERE heartbeat >= \(count.bind(now - Self.heartbeatLifetime))"
            return try await count.run(on: connection).first?.decode(Int.self) ?? 1
        }
        aliveFronts.store(max(1, alive), ordering: .relaxed)
    }

    // MARK: Time to live

    /// Deletes every item expired at `now` in every table with time to
    /// live, each an ordinary delete (indexes, stream) that costs no
    /// capacity; returns how many.
    @discardableResult
    public func sweepExpiredItems(now: Double) async -> Int {
        let layouts = catalog.withLock { $0.tables.values.filter { $0.definition.timeToLiveAttribute != nil } }
        // The seconds `ItemExpiry.isDue` accepts.
        let window = Int((now - Double(ItemExpiry.ignoredAfter)).rounded(.up))...Int(now.rounded(.down))
        var deleted = 0
        for layout in layouts {
            do {
                var handled = Self.jobPage
                while handled == Self.jobPage {
                    let (rows, gone) = try await database.transaction { [options] connection -> (Int, Int) in
                        let current = try await Self.fresh(layout, on: connection)
                        guard let attribute = current.definition.timeToLiveAttribute else { return (0, 0) }
                        let writer = ItemWriter(
                            connection: connection, layout: current, now: now, itemCollectionLimit: options.itemCollectionLimit)
                        let keys = try await ExpiryRows.due(table: current.id, in: window, limit: Self.jobPage, on: connection)
                        var gone = 0
                        for key in keys {
                            guard let item = try await current.items.get(key, on: connection)?.item() else {
                                try await ExpiryRows.set(table: current.id, key: key, expiresAt: nil, on: connection)
                                continue
                            }
                            // A write may have moved the expiry since.
                            if let seconds = ItemExpiry.seconds(of: item, attribute: attribute), ItemExpiry.isDue(seconds, now: now) {
                                try await writer.delete(key, old: item, origin: .timeToLive)
                                gone += 1
                            } else {
                                try await ExpiryRows.set(
                                    table: current.id, key: key, expiresAt: ItemExpiry.seconds(of: item, attribute: attribute), on: connection)
                            }
                        }
                        return (keys.count, gone)
                    }
                    handled = rows
                    deleted += gone
                }
            } catch {
                // A table deleted meanwhile: nothing left to sweep.
                logger.debug("Time to live sweep stopped", metadata: ["table": "\(layout.definition.name)", "error": "\(error)"])
            }
        }
        return deleted
    }

    /// Records the expiry of every item of a table whose time to live
    /// changed (or forgets them all, if it went off), a page at a time.
    func fillExpiries(of table: String) async {
        guard let layout = catalog.withLock({ $0.tables[table] }) else { return }
        do {
            try await database.withConnection { try await ExpiryRows.removeAll(table: layout.id, on: $0) }
            guard let attribute = layout.definition.timeToLiveAttribute else { return }
            try await walkItems(of: layout) { rows, connection in
                for (key, item) in rows {
                    try await ExpiryRows.set(
                        table: layout.id, key: key, expiresAt: ItemExpiry.seconds(of: item, attribute: attribute), on: connection)
                }
            }
        } catch {
            logger.warning("Recording expiries ended", metadata: ["table": "\(table)", "error": "\(error)"])
        }
    }

    /// Hands every item of the table to `page`, a page per transaction, in
    /// key order, so that a walk takes its place among the writes going on.
    /// A page that keeps losing races to them is tried again. With
    /// `progress`, the walk records after each page where it got to, under
    /// that name in `walked`, and starts there the next time.
    private func walkItems(
        of layout: TableLayout, progress: String? = nil,
        _ page: @escaping @Sendable ([(key: [UInt8], item: Item)], PostgresConnection) async throws -> Void
    ) async throws {
        var start = progress.flatMap { name in walked.withLock { $0[name] } }
        while !closing.load(ordering: .relaxed) {
            let after = start
            let next: [UInt8]?
            do {
                next = try await database.transaction { connection in
                    let range = KeyRange(lower: after.map { .init($0, inclusive: false) })
                    let rows = try await layout.items.keyed(range, limit: Self.walkPage, on: connection)
                    try await page(try rows.map { ($0.key, try ItemEncoding.decode($0.item)) }, connection)
                    return rows.count == Self.walkPage ? rows.last?.key : nil
                }
            } catch is RetriesExhausted {
                continue
            }
            guard let next else { return }
            start = next
            if let progress { walked.withLock { $0[progress] = next } }
        }
    }

    /// Client tokens answer for their request for a window; then they go.
    private func forgetClientTokens(now: Double) async throws {
        let before = Int(now) - postgres.clientTokenWindow
        _ = try await database.withConnection { connection in
            var forget = Statement()
            forget.sql = "DELETE FROM strata_client_tokens WHERE created < \(forget.bind(before))"
            return try await forget.run(on: connection)
        }
    }

    // MARK: Streams

    /// Deletes every stream record written more than 24 hours before
    /// `now`, and forgets streams disabled longer ago than that (a
    /// table's latest stream stays, for its ARN); returns how many records.
    @discardableResult
    public func trimStreamRecords(now: Double) async -> Int {
        let cutoff = StreamDefinition.retentionCutoff(now: now)
        let layouts = catalog.withLock { $0.tables.values.filter { !$0.definition.streams.isEmpty } }
        var trimmed = 0
        for layout in layouts {
            do {
                for shard in 0..<layout.shardCount {
                    var count = Self.jobPage
                    while count == Self.jobPage {
                        count = try await database.transaction { connection in
                            try await StreamRows.trim(table: layout.id, shard: shard, before: cutoff, limit: Self.jobPage, on: connection)
                        }
                        trimmed += count
                    }
                }
                if layout.definition.hasStreamsToForget(at: now) {
                    _ = try await updateTable(named: layout.definition.name) { $0.forgetStreams(at: now) }
                }
            } catch {
                logger.debug("Stream trim stopped", metadata: ["table": "\(layout.definition.name)", "error": "\(error)"])
            }
        }
        return trimmed
    }

    // MARK: Global indexes

    /// Fills new global indexes and removes deleted ones, for every table.
    func doIndexWork() async throws {
        let layouts = catalog.withLock { Array($0.tables.values) }
        for layout in layouts {
            for index in layout.globals {
                switch index.definition.status {
                case .creating: try await backfill(index, of: layout)
                case .deleting: try await remove(index, of: layout)
                case .active, .updating: break
                }
            }
        }
    }

    /// Copies every item of the table into a new global index, a page per
    /// transaction, each page's entries in one statement. Writes meanwhile
    /// keep the index up themselves, and SERIALIZABLE makes a page that
    /// copied an item a write has changed run again (a page under a steady
    /// stream of writes may lose many races: the walk resumes after the
    /// last page committed when the job runs again). Then the index is ACTIVE.
    private func backfill(_ index: TableLayout.Index, of layout: TableLayout) async throws {
        let job = "backfill \(layout.id)/\(index.storage)"
        try await walkItems(of: layout, progress: job) { rows, connection in
            var entries: [([UInt8], StoredItem)] = []
            for (key, item) in rows {
                for mutation in IndexMutation.mutations(of: index.definition, old: nil, new: item, tableKey: key, schema: layout.definition.keySchema) {
                    if case .put(let entryKey, let entry) = mutation { entries.append((entryKey, entry)) }
                }
            }
            try await index.rows.upsert(entries, on: connection)
        }
        if closing.load(ordering: .relaxed) { return }
        _ = try await updateTable(named: layout.definition.name) { definition in
            guard let position = definition.globalIndexes.firstIndex(where: { $0.name == index.definition.name }),
                  definition.globalIndexes[position].status == .creating else { return }
            definition.globalIndexes[position].status = .active
            definition.globalIndexes[position].backfilling = nil
        }
        walked.withLock { $0[job] = nil }
    }

    /// Deletes a DELETING index's entries, then drops it from the definition.
    private func remove(_ index: TableLayout.Index, of layout: TableLayout) async throws {
        var count = Self.jobPage
        while count == Self.jobPage {
            count = try await database.transaction { connection in
                try await index.rows.deleteSome(limit: Self.jobPage, on: connection)
            }
        }
        _ = try await updateTable(named: layout.definition.name) { definition in
            definition.globalIndexes.removeAll { $0.name == index.definition.name }
        }
    }

    // MARK: Deleted tables

    /// What a deleted table leaves in each shared table, and the columns
    /// that key its rows there.
    private static let tableRows: [(sqlTable: String, key: String)] = [
        ("strata_items", "key"), ("strata_index_entries", "index_id, key"), ("strata_expiries", "key"),
        ("strata_stream_records", "shard, seq"), ("strata_stream_shards", "shard"), ("strata_capacity", "kind"),
    ]

    /// Removes the rows of deleted tables a page at a time, then forgets the table.
    private func removeDroppedTables() async throws {
        let dropped = try await database.withConnection { connection in
            try await connection.query("SELECT table_id FROM strata_dropped_tables").map { try $0.decode(String.self) }
        }
        for table in dropped {
            for (sqlTable, key) in Self.tableRows {
                var count = Self.jobPage
                while count == Self.jobPage {
                    count = try await database.transaction { connection in
                        var delete = Statement()
                        let id = delete.bind(table)
                        delete.sql = """
                            DELETE FROM \(sqlTable) WHERE table_id = \(id) AND (\(key)) IN
                            (SELECT \(key) FROM \(sqlTable) WHERE table_id = \(id) LIMIT \(delete.bind(Self.jobPage)))
                            """
                        return try await delete.execute(on: connection)
                    }
                }
            }
            _ = try await database.withConnection { connection in
                var forget = Statement()
                forget.sql = "DELETE FROM strata_dropped_tables WHERE table_id = \(forget.bind(table))"
                return try await forget.run(on: connection)
            }
        }
    }
}
