import StrataModel
import Testing
@testable import StrataServer

@Suite struct CappedBudgetTests {
    @Test func reservationsNeverExceedTheCapacityAndComeBack() {
        let budget = CappedBudget(capacity: 100)
        #expect(budget.tryReserve(60))
        #expect(!budget.tryReserve(41))
        #expect(budget.tryReserve(40))
        #expect(!budget.tryReserve(1))
        budget.release(60)
        #expect(budget.reserved == 40)
        #expect(budget.tryReserve(0))
        #expect(budget.tryReserve(60))
    }

    @Test func concurrentReservationsStayWithinTheCapacity() async {
        let budget = CappedBudget(capacity: 1000)
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 {
                group.addTask { (0..<100).reduce(0) { count, _ in count + (budget.tryReserve(7) ? 1 : 0) } }
            }
            return await group.reduce(0, +)
        }
        #expect(granted == 1000 / 7)
        #expect(budget.reserved == granted * 7)
    }
}
