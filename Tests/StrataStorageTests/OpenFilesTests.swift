import Dispatch
import Foundation
import StrataModel
import Synchronization
import Testing
@testable import StrataStorage

/// The descriptor budget alone: which holders it closes to make room, and
/// when it gives up. Holders here are stand-ins whose use is set by hand.
@Suite struct OpenFilesTests {
    /// A stand-in for a partition: holds `descriptors`, was last used at
    /// `lastUse`, and closes only when not `busy`.
    final class Holder: IdleCloseable {
        let name: String
        let descriptors: Int
        private let openFiles: OpenFiles
        private let state = Mutex((busy: false, open: true, lastUse: UInt64(0)))

        init(_ name: String, descriptors: Int, in openFiles: OpenFiles) {
            self.name = name
            self.descriptors = descriptors
            self.openFiles = openFiles
            #expect(openFiles.tryReserve(descriptors))
            openFiles.register(self)
            use()
        }

        func use() {
            let now = openFiles.tick()
            state.withLock { $0.lastUse = now }
        }

        var busy: Bool {
            get { state.withLock { $0.busy } }
            set { state.withLock { $0.busy = newValue } }
        }

        var isOpen: Bool { state.withLock { $0.open } }

        var lastUse: UInt64 { state.withLock { $0.lastUse } }

        func closeIfIdle() -> Bool {
            let closed = state.withLock { state -> Bool in
                guard !state.busy, state.open else { return false }
                state.open = false
                return true
            }
            guard closed else { return false }
            openFiles.release(descriptors)
            openFiles.unregister(self)
            return true
        }
    }

    @Test func reservesWithinTheLimitWithoutClosingAnything() throws {
        let openFiles = OpenFiles(limit: 10)
        let a = Holder("a", descriptors: 3, in: openFiles)
        try openFiles.reserve(7)
        #expect(openFiles.inUse == 10)
        #expect(a.isOpen)
        #expect(!openFiles.tryReserve(1))
        openFiles.release(7)
        #expect(openFiles.inUse == 3)
    }

    @Test func closesTheLeastRecentlyUsedFirst() throws {
        let openFiles = OpenFiles(limit: 9)
        let a = Holder("a", descriptors: 3, in: openFiles)
        let b = Holder("b", descriptors: 3, in: openFiles)
        let c = Holder("c", descriptors: 3, in: openFiles)
        // Used after b and c: a is now the most recent, b the least.
        a.use()
        try openFiles.reserve(3)
        #expect(!b.isOpen)
        #expect(a.isOpen && c.isOpen)
        #expect(openFiles.inUse == 9)

        c.use()
        // Two holders' worth: the next least recent (a), then c.
        try openFiles.reserve(4)
        #expect(!a.isOpen && !c.isOpen)
        #expect(openFiles.inUse == 7)
        #expect(openFiles.openCount == 0)
    }

    @Test func closesOnlyWhatTheReservationNeeds() throws {
        let openFiles = OpenFiles(limit: 10)
        let holders = (0..<5).map { Holder("h\($0)", descriptors: 2, in: openFiles) }
        try openFiles.reserve(3)
        // Two holders of 2 make room for 3; the other three stay open.
        #expect(holders.map(\.isOpen) == [false, false, true, true, true])
        #expect(openFiles.inUse == 9)
    }

    @Test func neverClosesABusyHolder() throws {
        let openFiles = OpenFiles(limit: 6)
        let oldest = Holder("oldest", descriptors: 3, in: openFiles)
        let newer = Holder("newer", descriptors: 3, in: openFiles)
        oldest.busy = true
        try openFiles.reserve(3)
        #expect(oldest.isOpen)
        #expect(!newer.isOpen)
    }

    @Test func refusesWithLimitExceededWhenEveryHolderIsBusy() throws {
        let openFiles = OpenFiles(limit: 6)
        let a = Holder("a", descriptors: 3, in: openFiles)
        let b = Holder("b", descriptors: 3, in: openFiles)
        a.busy = true
        b.busy = true
        #expect(throws: OpenFiles.exhausted) { try openFiles.reserve(1) }
        #expect(a.isOpen && b.isOpen)
        #expect(openFiles.inUse == 6)
        // Once one is idle again, it makes room.
        b.busy = false
        try openFiles.reserve(1)
        #expect(!b.isOpen)
        #expect(openFiles.inUse == 4)
    }

    @Test func refusesWhatCouldNeverFit() throws {
        let openFiles = OpenFiles(limit: 4)
        let a = Holder("a", descriptors: 2, in: openFiles)
        #expect(throws: OpenFiles.exhausted) { try openFiles.reserve(5) }
        // It closed what it could on the way: nothing is lost but time.
        #expect(!a.isOpen)
        #expect(openFiles.inUse == 0)
    }

    @Test func theExhaustedErrorIsDynamoDBsLimitExceeded() {
        #expect(OpenFiles.exhausted.qualifiedTypeName == "com.amazonaws.dynamodb.v20120810#LimitExceededException")
        #expect(OpenFiles.exhausted.httpStatus == 400)
    }

    @Test func concurrentReservationsNeverExceedTheLimit() async {
        let openFiles = OpenFiles(limit: 50)
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<2_000 {
                        guard openFiles.tryReserve(3) else { continue }
                        peak.note(openFiles.inUse)
                        openFiles.release(3)
                    }
                }
            }
        }
        #expect(peak.value <= 50)
        #expect(openFiles.inUse == 0)
    }
}

/// The highest value noted, from any thread.
private final class Peak: Sendable {
    private let highest = Mutex(0)

    func note(_ value: Int) {
        highest.withLock { $0 = max($0, value) }
    }

    var value: Int {
        highest.withLock { $0 }
    }
}
