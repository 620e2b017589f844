@testable import StrataStorage
import Testing

/// A slotted statement is prepared once per connection, from its SQL the
/// first time only, and comes back reset, ready to bind and run again.
@Suite struct StatementSlotTests {
    private static let insert = StatementSlot()
    private static let count = StatementSlot()

    @Test func aSlotKeepsItsStatementAndResetsIt() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        defer { connection.close() }
        try connection.execute("CREATE TABLE t(v INTEGER)")
        #expect(Self.insert.index != Self.count.index)
        var prepared = 0
        func insert(_ value: Int) throws -> SQLiteStatement {
            let statement = try connection.statement(Self.insert) {
                prepared += 1
                return "INSERT INTO t VALUES (?)"
            }
            statement.bind(1, value)
            try statement.run()
            return statement
        }
        let first = try insert(1)
        let second = try insert(2)
        #expect(first === second && prepared == 1)
        let count = try connection.statement(Self.count) { "SELECT count(*), sum(v) FROM t" }
        #expect(try count.step() && count.int(0) == 2 && count.int(1) == 3)
        // Reset on the way out of its slot: the count starts over.
        let again = try connection.statement(Self.count) { "never prepared again" }
        #expect(try again.step() && again.int(0) == 2)
    }
}
