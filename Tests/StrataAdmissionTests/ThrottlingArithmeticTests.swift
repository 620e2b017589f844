import StrataAdmission
import StrataModel
import Testing

/// DynamoDB's throttling arithmetic, exactly, on a clock the tests move by
/// hand: provisioned refill and burst, debt, hot keys, UpdateTable, the
/// on-demand maximum, throttling off. Every amount below is a whole number
/// of units or a binary fraction of a second, so the expected counts are
/// exact, not approximate.
@Suite struct ThrottlingArithmeticTests {
    static let provisionedMessage =
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
    static let overCapacityMessage =
        "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"

    /// A provisioned table whose `access` side has `rate` units a second
    /// (the other side 1), or an on-demand table when `rate` is nil.
    static func table(_ access: Access, rate: Int?, id: String = "t1") -> TableDefinition {
        switch access {
        case .read: AdmissionControllerTests.table(read: rate, write: rate.map { _ in 1 }, id: id)
        case .write: AdmissionControllerTests.table(read: rate.map { _ in 1 }, write: rate, id: id)
        }
    }

    struct Run {
        var admitted = 0
        var refusal: DynamoError?
    }

    /// Requests of `units` each (reserved at admission, charged exactly that)
    /// sent at one instant until the first refusal, or `limit` admissions.
    static func admitUntilRefused(
        _ controller: AdmissionController, _ access: Access, _ table: TableDefinition, key: AttributeValue? = nil,
        units: Double = 1, limit: Int = 1_000_000
    ) -> Run {
        var run = Run()
        while run.admitted < limit {
            do {
                _ = try controller.admit(access, table: table, partitionKey: key, reserving: units)
            } catch {
                run.refusal = error
                return run
            }
            controller.charge(access, units: units, reserved: units, table: table, partitionKey: key)
            run.admitted += 1
        }
        return run
    }

    static func isAdmitted(_ controller: AdmissionController, _ access: Access, _ table: TableDefinition, key: AttributeValue? = nil) -> Bool {
        do {
            _ = try controller.admit(access, table: table, partitionKey: key, reserving: 0)
            return true
        } catch {
            return false
        }
    }

    /// Takes the whole bucket of a new table (charged with nothing reserved).
    static func empty(_ controller: AdmissionController, _ access: Access, _ table: TableDefinition, units: Double) {
        controller.charge(access, units: units, reserved: 0, table: table, partitionKey: nil)
    }

    // MARK: Provisioned rate and burst

    @Test(arguments: [(Access.read, 100, 1.0), (.read, 1, 8.0), (.read, 6, 0.5), (.write, 10, 2.5), (.write, 1000, 0.25), (.write, 3, 10.0)])
    func refillsAtTheProvisionedRate(access: Access, rate: Int, seconds: Double) {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(access, rate: rate)
        Self.empty(controller, access, table, units: 300 * Double(rate))
        #expect(!Self.isAdmitted(controller, access, table))
        // Each period refills rate x seconds, no more, however often it is asked.
        for _ in 0..<3 {
            clock.advance(by: seconds)
            let run = Self.admitUntilRefused(controller, access, table)
            #expect(run.admitted == Int(Double(rate) * seconds))
            #expect(run.refusal == .provisionedThroughputExceeded(Self.provisionedMessage))
        }
        // Refused requests take nothing: a thousand of them do not delay the refill.
        for _ in 0..<1000 { _ = Self.isAdmitted(controller, access, table) }
        clock.advance(by: seconds)
        #expect(Self.admitUntilRefused(controller, access, table).admitted == Int(Double(rate) * seconds))
    }

    @Test(arguments: [(Access.read, 100, 300.0), (.write, 10, 300.0), (.write, 1, 300.0), (.read, 7, 60.0)])
    func aNewProvisionedTableHoldsItsBurst(access: Access, rate: Int, burstSeconds: Double) {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(burstSeconds: burstSeconds), clock: clock)
        let table = Self.table(access, rate: rate)
        let burst = Int(Double(rate) * burstSeconds)
        // All of it at once, at creation...
        let first = Self.admitUntilRefused(controller, access, table)
        #expect(first.admitted == burst)
        #expect(first.refusal == .provisionedThroughputExceeded(Self.provisionedMessage))
        // ...and never more than that, however long the table stays idle.
        clock.advance(by: 10 * burstSeconds)
        #expect(Self.admitUntilRefused(controller, access, table).admitted == burst)
        // The other side of the table has its own bucket, still full.
        let other: Access = access == .read ? .write : .read
        #expect(Self.admitUntilRefused(controller, other, table).admitted == Int(burstSeconds))
    }

    // MARK: Debt

    /// A request admitted on the bucket's last unit (reserving `reserved`),
    /// then charged `charged`, leaves the bucket `charged - 1` units in debt:
    /// every request is refused until the refill has repaid it.
    @Test(arguments: [(Access.write, 10, 1.0, 41.0), (.write, 1, 1.0, 100.0), (.read, 100, 0.5, 201.0), (.read, 4, 1.0, 9.0)])
    func debtIsRepaidAtTheRateBeforeAnythingIsAdmitted(access: Access, rate: Int, reserved: Double, charged: Double) throws {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(access, rate: rate)
        Self.empty(controller, access, table, units: 300 * Double(rate) - 1)
        _ = try controller.admit(access, table: table, partitionKey: nil, reserving: reserved)
        controller.charge(access, units: charged, reserved: reserved, table: table, partitionKey: nil)
        let repaidAfter = (charged - 1) / Double(rate)
        // Refused all the way to the moment the bucket is back at zero; the
        // refusals themselves take nothing.
        for step in 1...8 {
            clock.advance(by: repaidAfter / 8)
            #expect(!Self.isAdmitted(controller, access, table), "admitted \(Double(step) / 8 * repaidAfter) s into \(repaidAfter) s of debt")
        }
        // One more second: exactly one second's worth.
        clock.advance(by: 1)
        #expect(Self.admitUntilRefused(controller, access, table).admitted == rate)
    }

    @Test func aRequestChargedLessThanItReservedGivesTheRestBack() throws {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(.read, rate: 10)
        Self.empty(controller, .read, table, units: 3000 - 4)
        _ = try controller.admit(.read, table: table, partitionKey: nil, reserving: 4)
        // Found nothing: the half unit of an eventually consistent miss.
        controller.charge(.read, units: 0.5, reserved: 4, table: table, partitionKey: nil)
        #expect(Self.admitUntilRefused(controller, .read, table, units: 0.5).admitted == 7)
    }

    // MARK: Hot keys

    /// One partition-key value gets 3,000 RCU / 1,000 WCU a second with 3 s
    /// of burst, whatever the table has; other keys, the other access and the
    /// same value in another table are served meanwhile. The refusal is
    /// ThrottlingException on demand, ProvisionedThroughputExceeded on a
    /// provisioned table, both with the hot-key message.
    @Test(arguments: [(Access.read, false), (.write, false), (.read, true), (.write, true)])
    func aHotKeyIsHeldToItsLimitWhileTheTableServesOthers(access: Access, provisioned: Bool) throws {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        // A provisioned table with far more than one key's limit.
        let table = provisioned ? AdmissionControllerTests.table(read: 100_000, write: 100_000) : Self.table(access, rate: nil)
        let limit = access == .read ? 3000 : 1000
        let expected: DynamoError = provisioned ? .provisionedThroughputExceeded(Self.overCapacityMessage) : .throttling(Self.overCapacityMessage)
        let hot = AttributeValue.s("hot")

        let burst = Self.admitUntilRefused(controller, access, table, key: hot, units: 100)
        #expect(burst.admitted * 100 == 3 * limit)
        #expect(burst.refusal == expected)
        #expect(Self.admitUntilRefused(controller, access, table, key: .s("cold"), units: 100).admitted * 100 == 3 * limit)
        let other: Access = access == .read ? .write : .read
        #expect(Self.isAdmitted(controller, other, table, key: hot))
        let elsewhere = provisioned ? AdmissionControllerTests.table(read: 100_000, write: 100_000, id: "t2") : Self.table(access, rate: nil, id: "t2")
        #expect(Self.isAdmitted(controller, access, elsewhere, key: hot))

        // Refilled at the key's rate.
        clock.advance(by: 1)
        let second = Self.admitUntilRefused(controller, access, table, key: hot, units: 100)
        #expect(second.admitted * 100 == limit)
        #expect(second.refusal == expected)

        // A request charged past its reservation puts the key in debt: half a
        // second of refill, then 2 s of the key's rate charged.
        clock.advance(by: 0.5)
        _ = try controller.admit(access, table: table, partitionKey: hot, reserving: 1)
        controller.charge(access, units: Double(2 * limit), reserved: 1, table: table, partitionKey: hot)
        clock.advance(by: 1.5)
        #expect(!Self.isAdmitted(controller, access, table, key: hot))
        #expect(Self.isAdmitted(controller, access, table, key: .s("cold2")))
        clock.advance(by: 0.25)
        #expect(Self.admitUntilRefused(controller, access, table, key: hot, units: 50).admitted * 50 == limit / 4)
    }

    @Test func aRefusedHotKeyRequestGivesTheTableItsReservationBack() {
        let clock = ManualClock()
        let configuration = AdmissionConfiguration(hotKeyWriteUnits: 10, burstSeconds: 1, hotKeyBurstSeconds: 1)
        let controller = AdmissionController(configuration: configuration, clock: clock)
        let table = Self.table(.write, rate: 50)
        let hot = AttributeValue.s("hot")
        #expect(Self.admitUntilRefused(controller, .write, table, key: hot).admitted == 10)
        // A hundred refusals of the hot key, each reserving a unit of the
        // table's 40 left first: all refused for the key, none for the table.
        for _ in 0..<100 {
            #expect(throws: DynamoError.provisionedThroughputExceeded(Self.overCapacityMessage)) {
                try controller.admit(.write, table: table, partitionKey: hot, reserving: 1)
            }
        }
        var cold = Run()
        for i in 0..<100 {
            let run = Self.admitUntilRefused(controller, .write, table, key: .s("cold\(i)"), limit: 1)
            cold.admitted += run.admitted
            if let refusal = run.refusal { cold.refusal = refusal; break }
        }
        #expect(cold.admitted == 40)
        #expect(cold.refusal == .provisionedThroughputExceeded(Self.provisionedMessage))
    }

    // MARK: UpdateTable

    /// Raising the rate of a table in debt: repaid at the new rate at once.
    @Test(arguments: [Access.read, .write])
    func raisingTheRateRepaysDebtAtTheNewRate(access: Access) throws {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let slow = Self.table(access, rate: 10), fast = Self.table(access, rate: 1000)
        Self.empty(controller, access, slow, units: 3000 + 40)  // 4 s of debt at 10 a second
        controller.tableUpdated(from: slow, to: fast)
        clock.advance(by: 0.125)  // 125 units at the new rate, 1.25 at the old
        #expect(Self.admitUntilRefused(controller, access, fast).admitted == 85)
        // The unused burst of the old rate is kept, not topped up to the new one.
        let fresh = Self.table(access, rate: 10, id: "t2"), raised = Self.table(access, rate: 100, id: "t2")
        #expect(Self.isAdmitted(controller, access, fresh))  // a new table: 3,000 units saved
        controller.tableUpdated(from: fresh, to: raised)
        #expect(Self.admitUntilRefused(controller, access, raised).admitted == 3000)
    }

    /// Lowering the rate: the saved burst shrinks to 300 s of the new rate,
    /// and the refill slows, at once.
    @Test(arguments: [Access.read, .write])
    func loweringTheRateShrinksTheBurstAtOnce(access: Access) {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let fast = Self.table(access, rate: 1000)
        #expect(Self.isAdmitted(controller, access, fast))  // 300,000 units saved
        let slow = Self.table(access, rate: 10)
        controller.tableUpdated(from: fast, to: slow)
        #expect(Self.admitUntilRefused(controller, access, slow, units: 10).admitted == 300)
        clock.advance(by: 2)
        #expect(Self.admitUntilRefused(controller, access, slow).admitted == 20)
    }

    /// Provisioned to on-demand: the provisioned debt stays behind and the
    /// table gets the on-demand maximum at once. Back to provisioned: held
    /// to the provisioned rate again.
    @Test(arguments: [Access.read, .write])
    func switchingBillingModeTakesEffectAtOnce(access: Access) {
        let clock = ManualClock()
        let configuration = AdmissionConfiguration(onDemandReadUnits: 500, onDemandWriteUnits: 500)
        let controller = AdmissionController(configuration: configuration, clock: clock)
        let provisioned = Self.table(access, rate: 1)
        Self.empty(controller, access, provisioned, units: 300 + 99)  // 99 s of debt at 1 a second
        #expect(!Self.isAdmitted(controller, access, provisioned))
        let onDemand = Self.table(access, rate: nil)
        controller.tableUpdated(from: provisioned, to: onDemand)
        let run = Self.admitUntilRefused(controller, access, onDemand)
        #expect(run.admitted == 500)
        #expect(run.refusal == .throttling(Self.overCapacityMessage))

        controller.tableUpdated(from: onDemand, to: provisioned)
        _ = Self.admitUntilRefused(controller, access, provisioned)
        clock.advance(by: 4)
        let back = Self.admitUntilRefused(controller, access, provisioned)
        #expect(back.admitted == 4)
        #expect(back.refusal == .provisionedThroughputExceeded(Self.provisionedMessage))
    }

    @Test func changingOneSideLeavesTheOtherAlone() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let before = AdmissionControllerTests.table(read: 100, write: 10)
        Self.empty(controller, .write, before, units: 3000 + 20)
        let after = AdmissionControllerTests.table(read: 200, write: 10)
        controller.tableUpdated(from: before, to: after)
        clock.advance(by: 2)
        #expect(!Self.isAdmitted(controller, .write, after))  // the write debt is repaid at 10 a second still
        // The read bucket keeps its 30,000 saved units and refills at 200 a second.
        #expect(Self.admitUntilRefused(controller, .read, after, units: 100).admitted == 304)
    }

    // MARK: On-demand maximum

    /// An on-demand table gets `onDemandReadUnits` / `onDemandWriteUnits` a
    /// second with one second of burst, then ThrottlingException; a
    /// provisioned table is not held to them.
    @Test(arguments: [(Access.read, 100), (.write, 250), (.read, 40_000)])
    func onDemandTablesAreHeldToTheTableMaximum(access: Access, maximum: Int) {
        let clock = ManualClock()
        let configuration = AdmissionConfiguration(onDemandReadUnits: Double(maximum), onDemandWriteUnits: Double(maximum))
        let controller = AdmissionController(configuration: configuration, clock: clock)
        let table = Self.table(access, rate: nil)
        let first = Self.admitUntilRefused(controller, access, table)
        #expect(first.admitted == maximum)
        #expect(first.refusal == .throttling(Self.overCapacityMessage))
        clock.advance(by: 0.5)
        #expect(Self.admitUntilRefused(controller, access, table).admitted == maximum / 2)
        clock.advance(by: 60)
        #expect(Self.admitUntilRefused(controller, access, table).admitted == maximum)

        let provisioned = Self.table(access, rate: 2 * maximum, id: "t2")
        #expect(Self.admitUntilRefused(controller, access, provisioned, units: Double(maximum)).admitted == 600)
    }

    // MARK: Throttling off

    @Test(arguments: [Access.read, .write])
    func throttlingOffAdmitsEverything(access: Access) throws {
        let clock = ManualClock()
        let configuration = AdmissionConfiguration(enabled: false, onDemandReadUnits: 1, onDemandWriteUnits: 1, maximumInFlight: 1)
        let controller = AdmissionController(configuration: configuration, clock: clock)
        let provisioned = Self.table(access, rate: 1)
        let onDemand = Self.table(access, rate: nil, id: "t2")
        let hot = AttributeValue.s("hot")
        for table in [provisioned, onDemand] {
            controller.charge(access, units: 1_000_000, reserved: 0, table: table, partitionKey: hot)
            #expect(Self.admitUntilRefused(controller, access, table, key: hot, units: 1000, limit: 10_000).admitted == 10_000)
        }
    }
}
