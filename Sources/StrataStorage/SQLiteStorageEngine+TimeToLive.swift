import StrataModel

/// Time to live: items whose expiry has passed are deleted by a sweep
/// through each partition's writer, as ordinary deletes that update the
/// indexes and cost no capacity.
extension SQLiteStorageEngine {
    /// Deletes every item expired at `now` in every table with time to
    /// live; returns how many.
    @discardableResult
    public func sweepExpiredItems(now: Double) async -> Int {
        let entries = tables.withLock { $0.entries.values.filter { $0.indexing.current.expiryAttribute != nil } }
        var deleted = 0
        for entry in entries {
            guard let attribute = entry.indexing.current.expiryAttribute else { continue }
            for partition in entry.store.partitions {
                do {
                    deleted += try await Self.drain(partition) { transaction in
                        let (handled, gone) = try transaction.deleteExpired(now: now, limit: Self.walkPage, attribute: attribute)
                        return (handled, gone)
                    }
                } catch {
                    // A table deleted meanwhile: nothing left to sweep.
                    options.logger.debug("Time to live sweep stopped", metadata: ["table": "\(entry.definition.name)", "error": "\(error)"])
                }
            }
        }
        return deleted
    }

    /// Sweeps every `timeToLiveInterval` until the engine closes.
    func sweepExpiredItemsUntilClosed() async {
        await repeatUntilClosed(every: options.timeToLiveInterval) { await sweepExpiredItems(now: options.now()) }
    }

    /// Records the expiry of every item of a table that just turned time
    /// to live on, a page at a time through each partition's writer.
    func fillExpiries(of table: String, attribute: String) async {
        guard let entry = tables.withLock({ $0.entries[table] }) else { return }
        do {
            try await Self.walk(entry.store) { try $0.fillExpiries(after: $1, limit: Self.walkPage, attribute: attribute) }
        } catch {
            options.logger.warning("Recording expiries ended", metadata: ["table": "\(table)", "error": "\(error)"])
        }
    }
}
