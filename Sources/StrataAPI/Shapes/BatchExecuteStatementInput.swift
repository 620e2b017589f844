import StrataExpressions
import StrataModel
import StrataPartiQL

/// BatchExecuteStatement's request: up to 25 statements, all reads or all writes.
struct BatchExecuteStatementInput: OperationInput {
    struct Entry {
        let statement: StatementInput
        let consistent: Bool
    }

    static let maximumStatements = 25

    let entries: [Entry]
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let statements = try request.objects("Statements")
        violations.requireNonNull(statements, at: "statements")
        violations.checkListLength(statements?.count, at: "statements", 1...Self.maximumStatements)
        var entries: [Entry] = []
        for (position, body) in (statements ?? []).enumerated() {
            let path = "statements.\(position + 1).member."
            let statement = try StatementInput.decode(body, at: path, into: &violations)
            // Checked, but of no effect: DynamoDB returns no item with a member's error.
            let onFailure = try body.string("ReturnValuesOnConditionCheckFailure")
            violations.checkEnum(onFailure, at: path + "returnValuesOnConditionCheckFailure", allowed: ["ALL_OLD", "NONE"])
            if let statement {
                entries.append(Entry(statement: statement, consistent: try body.bool("ConsistentRead") ?? false))
            }
        }
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        self.entries = entries
    }
}

extension BatchExecuteStatementInput {
    /// A batch is all reads or all writes; `reads` says which each parsed statement is.
    static func checkNotMixed(_ reads: [Bool]) throws(DynamoError) {
        if reads.contains(true), reads.contains(false) {
            throw .validation("Read and write requests together in the same batch is not supported.")
        }
    }

    /// Entry `position` lowered against `table`: a read must name one item
    /// by its primary key (a GetItem), as BatchGetItem's do.
    func lowered(_ parsed: ParsedStatement, at position: Int, table: TableDefinition) throws(DynamoError) -> LoweredStatement {
        let lowered = try entries[position].statement.loweredAlone(parsed, table: table)
        if lowered.isRead, lowered.operation != .getItem || lowered.readsIndex {
            throw .validation("Select statements within BatchExecuteStatement must specify the primary key in the where clause.")
        }
        return lowered
    }

    /// No item may be named by two entries.
    static func checkDistinct(_ items: [ItemIdentity]) throws(DynamoError) {
        if Set(items).count != items.count { throw .validation("Provided list of item keys contains duplicates") }
    }
}
