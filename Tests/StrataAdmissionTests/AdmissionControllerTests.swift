import StrataAdmission
import StrataModel
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: AdmissionClock {
    private let seconds = Mutex(0.0)

    func now() -> Double { seconds.withLock { $0 } }

    func advance(by delta: Double) {
        seconds.withLock { $0 += delta }
    }
}

@Suite struct AdmissionControllerTests {
    static func table(read: Int?, write: Int?, id: String = "t1") -> TableDefinition {
        TableDefinition(
            name: "t", id: id, arn: "arn", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "pk", type: .string)),
            attributeDefinitions: [KeyAttribute(name: "pk", type: .string)],
            billingMode: read == nil ? .payPerRequest : .provisioned,
            throughput: read.map { .init(readCapacityUnits: $0, writeCapacityUnits: write ?? 1) })
    }

    /// Writes admitted in `seconds` seconds when clients try every 10 ms.
    static func admittedWrites(_ controller: AdmissionController, _ clock: ManualClock, table: TableDefinition, seconds: Int) -> Int {
        var admitted = 0
        for _ in 0..<(seconds * 100) {
            clock.advance(by: 0.01)
            for key in 0..<4 {
                let partitionKey = AttributeValue.s("k\(key)")
                if (try? controller.admit(.write, table: table, partitionKey: partitionKey, reserving: 1)) != nil {
                    controller.charge(.write, units: 1, reserved: 1, table: table, partitionKey: partitionKey)
                    admitted += 1
                }
            }
        }
        return admitted
    }

    @Test func provisionedTableAdmitsItsRateOnceTheBurstIsSpent() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(read: 100, write: 10)
        // The first seconds spend the 300 s burst (3,000 units)...
        let burst = Self.admittedWrites(controller, clock, table: table, seconds: 10)
        #expect(burst >= 3000 && burst <= 3101)
        // ...after which 10 a second get through.
        let steady = Self.admittedWrites(controller, clock, table: table, seconds: 20)
        #expect(abs(steady - 200) <= 20)
    }

    @Test func refusalIsProvisionedThroughputExceeded() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(burstSeconds: 0), clock: clock)
        let table = Self.table(read: 1, write: 1)
        #expect(throws: DynamoError.self) { try controller.admit(.read, table: table, partitionKey: nil, reserving: 0) }
        do {
            _ = try controller.admit(.write, table: table, partitionKey: nil, reserving: 0)
            Issue.record("admitted with an empty bucket")
        } catch {
            #expect(error.typeName == "ProvisionedThroughputExceededException")
        }
    }

    @Test func anIdleTableGetsItsWholeBurstBack() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(read: 5, write: 5)
        controller.charge(.read, units: 1500, reserved: 0, table: table, partitionKey: nil)
        #expect(throws: DynamoError.self) { try controller.admit(.read, table: table, partitionKey: nil, reserving: 0) }
        clock.advance(by: 300)
        controller.charge(.read, units: 1499, reserved: 0, table: table, partitionKey: nil)
        #expect(throws: Never.self) { try controller.admit(.read, table: table, partitionKey: nil, reserving: 0) }
    }

    @Test func aHotKeyIsThrottledWhileTheTableHasRoom() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(read: nil, write: nil)
        let hot = AttributeValue.s("hot")
        // A key's bucket holds three seconds of its 1,000 WCU.
        controller.charge(.write, units: 3000, reserved: 0, table: table, partitionKey: hot)
        #expect(throws: DynamoError.self) { try controller.admit(.write, table: table, partitionKey: hot, reserving: 0) }
        #expect(throws: Never.self) { try controller.admit(.write, table: table, partitionKey: .s("cold"), reserving: 0) }
        #expect(throws: Never.self) { try controller.admit(.read, table: table, partitionKey: hot, reserving: 0) }
        clock.advance(by: 0.01)
        #expect(throws: Never.self) { try controller.admit(.write, table: table, partitionKey: hot, reserving: 0) }
    }

    @Test func idleKeysAreForgotten() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(), clock: clock)
        let table = Self.table(read: nil, write: nil)
        for i in 0..<200_000 {
            controller.charge(.read, units: 1, reserved: 0, table: table, partitionKey: .s("key\(i)"))
            if i % 1000 == 0 { clock.advance(by: 1) }
        }
        #expect(controller.trackedKeyCount < 64 * (AdmissionController.hotKeysPerStripe + 1))
    }

    @Test func reservationsStopAQueueOfRequestsFromAllGettingIn() {
        let clock = ManualClock()
        let controller = AdmissionController(configuration: AdmissionConfiguration(burstSeconds: 1), clock: clock)
        let table = Self.table(read: 10, write: 10)
        // Ten waiting writes each reserve their one unit: the eleventh finds the bucket empty.
        var admitted = 0
        for _ in 0..<30 where (try? controller.admit(.write, table: table, partitionKey: nil, reserving: 1)) != nil {
            admitted += 1
        }
        #expect(admitted == 10)
    }

    @Test(arguments: [(1, true, 1.0), (4096, true, 1.0), (4097, true, 2.0), (10 * 1024, true, 3.0), (0, false, 0.5), (4097, false, 1.0)])
    func readUnits(bytes: Int, consistent: Bool, units: Double) {
        #expect(CapacityUnits.read(bytes: bytes, consistent: consistent) == units)
    }

    @Test(arguments: [(0, 1.0), (1, 1.0), (1024, 1.0), (1025, 2.0), (10 * 1024, 10.0)])
    func writeUnits(bytes: Int, units: Double) {
        #expect(CapacityUnits.write(bytes: bytes) == units)
        #expect(CapacityUnits.write(bytes: bytes, transactional: true) == units * 2)
    }
}
