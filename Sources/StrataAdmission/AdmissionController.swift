import StrataModel
import Synchronization

/// Whether a request reads or writes.
public enum Access: Sendable {
    case read
    case write
}

/// DynamoDB's admission control: a read and a write token bucket per table
/// (its provisioned rate with 300 s of burst, or the on-demand maximum),
/// a bucket pair per recently seen partition-key value (the per-partition
/// limit), and a cap on requests in flight. A request is refused before it
/// touches storage when a bucket it needs is empty. With a `SharedCapacity`
/// (fronts over one database), provisioned tables' buckets are the budget
/// all fronts share, leased in small grants (`LeasedCapacity`).
public final class AdmissionController: Sendable {
    private struct TableBuckets: Sendable {
        var read: TokenBucket
        var write: TokenBucket
        /// Units taken so far, for the metrics: what the table consumed.
        var consumedRead = 0.0
        var consumedWrite = 0.0
        /// Requests admitted so far, for the metrics.
        var admitted = 0

        mutating func tally(_ units: Double, _ access: Access) {
            if access == .read { consumedRead += units } else { consumedWrite += units }
        }
    }

    private struct HotKey: Hashable, Sendable {
        let tableID: String
        let partitionKey: AttributeValue
    }

    /// Entries a hot-key stripe holds before idle (full) buckets are dropped.
    public static let hotKeysPerStripe = 1024

    public let configuration: AdmissionConfiguration
    private let clock: any AdmissionClock
    private let tables = StripedMap<String, TableBuckets>()
    private let hotKeys = StripedMap<HotKey, TableBuckets>(stripes: 64)
    private let leased: LeasedCapacity?

    public init(configuration: AdmissionConfiguration, clock: any AdmissionClock = MonotonicClock(), shared: (any SharedCapacity)? = nil) {
        self.configuration = configuration
        self.clock = clock
        leased = shared.map { LeasedCapacity(shared: $0, clock: clock) }
    }

    /// The shared budget's accounts, for a provisioned table when fronts share one.
    private func leasedAccounts(for table: TableDefinition) -> LeasedCapacity? {
        table.billingMode == .provisioned ? leased : nil
    }

    /// The rates (units per second) a table is held to.
    public func rates(of table: TableDefinition) -> (read: Double, write: Double) {
        if table.billingMode == .provisioned, let throughput = table.throughput {
            return (Double(throughput.readCapacityUnits), Double(throughput.writeCapacityUnits))
        }
        return (configuration.onDemandReadUnits, configuration.onDemandWriteUnits)
    }

    private func burst(for table: TableDefinition, rate: Double) -> Double {
        table.billingMode == .provisioned ? rate * configuration.burstSeconds : rate
    }

    /// With a shared budget, waits for a grant if this front's account of
    /// a provisioned table is empty (a database round trip, now and then);
    /// call before `admit`. Otherwise returns at once.
    public func ready(_ access: Access, table: TableDefinition) async {
        guard configuration.enabled, let leased = leasedAccounts(for: table) else { return }
        let rate = access == .read ? rates(of: table).read : rates(of: table).write
        await leased.ready(access, table: table, rate: rate, capacity: burst(for: table, rate: rate))
    }

    /// Refuses the request if the table's bucket for `access`, or the
    /// partition-key value's, is empty; otherwise takes `reserved` units (the
    /// least the request can cost) at once, so that requests waiting on an
    /// empty bucket cannot all get in together when it turns positive.
    public func admit(
        _ access: Access, table: TableDefinition, partitionKey: AttributeValue?, reserving reserved: Double
    ) throws(DynamoError) -> AdmissionTicket {
        let ticket = AdmissionTicket(controller: self, access: access, table: table, partitionKey: partitionKey, reserved: reserved)
        guard configuration.enabled else { return ticket }
        let now = clock.now()
        let tableHasRoom: Bool
        if let leased = leasedAccounts(for: table) {
            let rate = access == .read ? rates(of: table).read : rates(of: table).write
            tableHasRoom = leased.take(reserved, access, table: table, rate: rate, capacity: burst(for: table, rate: rate))
        } else {
            tableHasRoom = withTableBuckets(table, now: now) { buckets in
                guard Self.take(reserved, access, from: &buckets, now: now) else { return false }
                buckets.tally(reserved, access)
                buckets.admitted += 1
                return true
            }
        }
        guard tableHasRoom else {
            guard table.billingMode == .provisioned else { throw Self.overCapacity(table) }
            throw .provisionedThroughputExceeded(
                "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
        }
        if let partitionKey {
            let keyHasRoom = withHotKey(table, partitionKey, now: now) { buckets in
                Self.take(reserved, access, from: &buckets, now: now)
            }
            guard keyHasRoom else {
                // Give the table back what this refused request took.
                if let leased = leasedAccounts(for: table) {
                    leased.charge(-reserved, access, table: table)
                } else {
                    withTableBuckets(table, now: now) { buckets in
                        if access == .read { buckets.read.refund(reserved, now: now) } else { buckets.write.refund(reserved, now: now) }
                        buckets.tally(-reserved, access)
                        buckets.admitted -= 1
                    }
                }
                throw Self.overCapacity(table)
            }
        }
        return ticket
    }

    private static func take(_ units: Double, _ access: Access, from buckets: inout TableBuckets, now: Double) -> Bool {
        if access == .read {
            guard buckets.read.hasTokens(now: now) else { return false }
            buckets.read.consume(units, now: now)
        } else {
            guard buckets.write.hasTokens(now: now) else { return false }
            buckets.write.consume(units, now: now)
        }
        return true
    }

    /// Takes the rest of what an admitted request consumed: `units` in all,
    /// of which `reserved` were taken at admission. Requests are charged
    /// through their `AdmissionTicket`.
    public func charge(_ access: Access, units: Double, reserved: Double, table: TableDefinition, partitionKey: AttributeValue?) {
        let rest = units - reserved
        guard configuration.enabled, rest != 0 else { return }
        let now = clock.now()
        if let leased = leasedAccounts(for: table) {
            leased.charge(rest, access, table: table)
        } else {
            withTableBuckets(table, now: now) { buckets in
                if access == .read { buckets.read.consume(rest, now: now) } else { buckets.write.consume(rest, now: now) }
                buckets.tally(rest, access)
            }
        }
        if let partitionKey {
            withHotKey(table, partitionKey, now: now) { buckets in
                if access == .read { buckets.read.consume(rest, now: now) } else { buckets.write.consume(rest, now: now) }
            }
        }
    }

    /// The requests admitted to table `id` on this front, and the read and
    /// write units they consumed, since it started (or since the table's
    /// billing mode last changed), while admission control is on; nil for
    /// a table not used yet.
    public func usage(ofTable id: String) -> (requests: Int, read: Double, write: Double)? {
        tables.value(for: id).map { ($0.admitted, $0.consumedRead, $0.consumedWrite) }
    }

    /// Applies a table's new throughput or billing mode at once. A switch to
    /// on-demand leaves any provisioned debt behind.
    public func tableUpdated(from old: TableDefinition, to new: TableDefinition) {
        let now = clock.now()
        if old.billingMode != new.billingMode {
            tables.remove(new.id)
        }
        withTableBuckets(new, now: now) { _ in }
    }

    /// DynamoDB's answer for a hot key, or an on-demand table over its
    /// maximum: ThrottlingException on demand, ProvisionedThroughputExceeded otherwise.
    private static func overCapacity(_ table: TableDefinition) -> DynamoError {
        let message = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"
        return table.billingMode == .provisioned ? .provisionedThroughputExceeded(message) : .throttling(message)
    }

    @discardableResult
    private func withTableBuckets<R>(_ table: TableDefinition, now: Double, _ body: (inout TableBuckets) -> R) -> R {
        let rates = rates(of: table)
        let readBurst = burst(for: table, rate: rates.read), writeBurst = burst(for: table, rate: rates.write)
        return tables.update(table.id, create: {
            TableBuckets(read: TokenBucket(rate: rates.read, capacity: readBurst, now: now),
                         write: TokenBucket(rate: rates.write, capacity: writeBurst, now: now))
        }) { buckets in
            // UpdateTable takes effect at once.
            if buckets.read.rate != rates.read || buckets.read.capacity != readBurst {
                buckets.read.reconfigure(rate: rates.read, capacity: readBurst, now: now)
            }
            if buckets.write.rate != rates.write || buckets.write.capacity != writeBurst {
                buckets.write.reconfigure(rate: rates.write, capacity: writeBurst, now: now)
            }
            return body(&buckets)
        }
    }

    @discardableResult
    private func withHotKey<R>(_ table: TableDefinition, _ partitionKey: AttributeValue, now: Double, _ body: (inout TableBuckets) -> R) -> R {
        let read = configuration.hotKeyReadUnits, write = configuration.hotKeyWriteUnits
        let seconds = configuration.hotKeyBurstSeconds
        // A full bucket is as good as a new one, so idle keys are forgotten
        // and memory stays bounded by the keys used in the last seconds.
        return hotKeys.update(
            HotKey(tableID: table.id, partitionKey: partitionKey),
            create: {
                TableBuckets(read: TokenBucket(rate: read, capacity: read * seconds, now: now),
                             write: TokenBucket(rate: write, capacity: write * seconds, now: now))
            },
            pruneAbove: Self.hotKeysPerStripe,
            prune: { $0.read.isFull(now: now) && $0.write.isFull(now: now) },
            body)
    }

    /// Partition-key values with buckets right now (for tests and metrics).
    public var trackedKeyCount: Int { hotKeys.count }
}
