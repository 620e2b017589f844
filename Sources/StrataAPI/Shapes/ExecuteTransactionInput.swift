import StrataExpressions
import StrataModel
import StrataPartiQL

/// ExecuteTransaction's request: up to 100 statements, all reads or all
/// writes, with an idempotency token for writes.
struct ExecuteTransactionInput: OperationInput {
    static let maximumStatements = 100

    let statements: [StatementInput]
    let clientRequestToken: String?
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let bodies = try request.objects("TransactStatements")
        violations.requireNonNull(bodies, at: "transactStatements")
        violations.checkListLength(bodies?.count, at: "transactStatements", 1...Self.maximumStatements)
        var statements: [StatementInput] = []
        for (position, body) in (bodies ?? []).enumerated() {
            if let statement = try StatementInput.decode(body, at: "transactStatements.\(position + 1).member.", into: &violations) {
                statements.append(statement)
            }
        }
        clientRequestToken = try request.string("ClientRequestToken")
        violations.checkLength(clientRequestToken, at: "clientRequestToken", 1...36)
        report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        self.statements = statements
    }
}

extension ExecuteTransactionInput {
    /// Statement `position` parsed (through `cache`).
    func parsed(at position: Int, cache: StatementCache) throws(DynamoError) -> ParsedStatement {
        try Self.inStatement(position) { () throws(DynamoError) in try statements[position].parsed(cache: cache) }
    }

    /// Whether the transaction reads (TransactGetItems) rather than
    /// writes (TransactWriteItems): its statements are all one or the other.
    static func isRead(_ parsed: [ParsedStatement]) throws(DynamoError) -> Bool {
        let reads = parsed.filter(\.isRead).count
        guard reads == 0 || reads == parsed.count else {
            throw .validation("ExecuteTransaction API does not support both read and write operations in the same request.")
        }
        return reads > 0
    }

    /// Statement `position` lowered against `table`, with what a
    /// transaction refuses in a statement that runs alone.
    func lowered(_ parsed: ParsedStatement, at position: Int, table: TableDefinition) throws(DynamoError) -> LoweredStatement {
        try Self.inStatement(position) { () throws(DynamoError) in
            let statement = try parsed.lower(parameters: statements[position].parameters, table: table)
            if statement.request["ReturnValues"] != nil {
                throw .validation("RETURNING clause is not supported in ExecuteTransaction.")
            }
            if statement.readsIndex { throw .validation("Reads on indices are not supported within transactions.") }
            if statement.isRead, statement.operation != .getItem {
                throw .validation("Select statements within ExecuteTransaction must specify the primary key in the where clause.")
            }
            if statement.operation == .conditionCheck, !statement.hasCondition {
                throw .validation("EXISTS() must contain a single item read with additional condition")
            }
            return statement
        }
    }

    /// A statement's ValidationException, naming the statement.
    private static func inStatement<T>(_ position: Int, _ body: () throws(DynamoError) -> T) throws(DynamoError) -> T {
        do {
            return try body()
        } catch .validation(let message) {
            throw .validation("Validation failed in TransactStatements[\(position)]: \(message)")
        }
    }
}
