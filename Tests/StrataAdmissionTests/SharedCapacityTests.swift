import StrataAdmission
import StrataModel
import Synchronization
import Testing

/// A shared budget in memory: one token bucket per table and access, on
/// the test's clock, that can be made unreachable.
final class MemoryBudget: SharedCapacity {
    struct Unreachable: Error {}

    private let clock: ManualClock
    private let buckets = Mutex<[String: TokenBucket]>([:])
    let reachable = Atomic(true)
    let fronts: Int

    init(clock: ManualClock, fronts: Int) {
        self.clock = clock
        self.fronts = fronts
    }

    func lease(_ units: Double, _ access: Access, table: TableDefinition, rate: Double, capacity: Double) async throws -> Double {
        guard reachable.load(ordering: .relaxed) else { throw Unreachable() }
        let now = clock.now()
        return buckets.withLock { buckets in
            let key = "\(table.id)/\(access)"
            var bucket = buckets[key] ?? TokenBucket(rate: rate, capacity: capacity, now: now)
            defer { buckets[key] = bucket }
            guard bucket.hasTokens(now: now) else { return 0 }
            let granted = min(bucket.tokens, max(units, bucket.tokens / 10))
            bucket.consume(granted, now: now)
            return granted
        }
    }

    var liveFronts: Int { fronts }
}

@Suite struct SharedCapacityTests {
    /// Three fronts over one budget of a 10 WCU table (burst 3,000 units)
    /// admit, together, the burst and then the rate: never a front's worth more.
    @Test func frontsTogetherHoldTheTableToItsRate() async {
        let clock = ManualClock()
        let budget = MemoryBudget(clock: clock, fronts: 3)
        let fronts = (0..<3).map { _ in AdmissionController(configuration: AdmissionConfiguration(), clock: clock, shared: budget) }
        let table = AdmissionControllerTests.table(read: 10, write: 10)
        var admitted = 0.0
        for _ in 0..<2000 {
            clock.advance(by: 0.01)
            for (index, front) in fronts.enumerated() {
                let key = AttributeValue.s("k\(index)-\(Int.random(in: 0..<1000))")
                await front.ready(.write, table: table)
                if let ticket = try? front.admit(.write, table: table, partitionKey: key, reserving: 1) {
                    ticket.charge(1)
                    admitted += 1
                }
            }
        }
        // 20 s: the 3,000-unit burst, 200 units of refill, and at most one
        // unit of debt per front at the end.
        #expect(admitted >= 3200 - 3 && admitted <= 3200 + 3, "admitted \(admitted)")
    }

    /// While the budget cannot be reached, each front keeps to an equal
    /// share of the rate; once it answers again, the budget rules.
    @Test func anUnreachableBudgetLeavesEachFrontAnEqualShare() async {
        let clock = ManualClock()
        let budget = MemoryBudget(clock: clock, fronts: 2)
        budget.reachable.store(false, ordering: .relaxed)
        let front = AdmissionController(configuration: AdmissionConfiguration(), clock: clock, shared: budget)
        let table = AdmissionControllerTests.table(read: 100, write: 100)
        // 10 s at half of 100 RCU, and the one second of it a new bucket holds.
        let alone = await Self.admittedReads(front, clock, table: table)
        #expect(alone >= 545 && alone <= 555, "admitted \(alone)")
        // The budget answers again: the front asks it (within a second) and keeps to what it grants.
        budget.reachable.store(true, ordering: .relaxed)
        let shared = await Self.admittedReads(front, clock, table: table)
        // A new budget holds its 30,000-unit burst: every one of the 1,000 reads.
        #expect(shared >= 990, "admitted \(shared)")
    }

    /// Reads of 1 RCU admitted in 10 s when a client tries every 10 ms.
    static func admittedReads(_ front: AdmissionController, _ clock: ManualClock, table: TableDefinition) async -> Int {
        var admitted = 0
        for step in 0..<1000 {
            clock.advance(by: 0.01)
            await front.ready(.read, table: table)
            if let ticket = try? front.admit(.read, table: table, partitionKey: .s("k\(step)"), reserving: 1) {
                ticket.charge(1)
                admitted += 1
            }
        }
        return admitted
    }
}
