import StrataModel
import StrataPartiQL

/// One PartiQL statement and its parameters: ExecuteStatement's, and each
/// entry of BatchExecuteStatement and ExecuteTransaction.
struct StatementInput {
    static let maximumLength = 8192

    let text: String
    let parameters: [AttributeValue]

    /// `path`: where the statement sits, for constraint messages
    /// (`statement`, `statements.1.member.statement`).
    static func decode(_ request: RequestBody, at path: String, into violations: inout ConstraintViolations) throws(DynamoError) -> StatementInput? {
        let text = try request.string("Statement")
        violations.requireNonNull(text, at: path + "statement")
        violations.checkLength(text, at: path + "statement", 1...maximumLength)
        let values = try request.array("Parameters")
        violations.checkListLength(values?.count, at: path + "parameters", 1...Int.max)
        var parameters: [AttributeValue] = []
        for value in values ?? [] { parameters.append(try AttributeValue(json: value)) }
        guard let text else { return nil }
        return StatementInput(text: text, parameters: parameters)
    }
}

extension StatementInput {
    /// The statement parsed (through `cache`: a statement's text fixes its parse).
    func parsed(cache: StatementCache) throws(DynamoError) -> ParsedStatement {
        try ParsedStatement.parse(text, cache: cache)
    }

    /// The statement lowered against `table`, to run on its own (not in
    /// ExecuteTransaction): an EXISTS is refused.
    func loweredAlone(_ parsed: ParsedStatement, table: TableDefinition) throws(DynamoError) -> LoweredStatement {
        let lowered = try parsed.lower(parameters: parameters, table: table)
        if lowered.operation == .conditionCheck { throw Self.existsOutsideTransaction }
        return lowered
    }

    static let existsOutsideTransaction = DynamoError.validation("EXISTS can only be used in ExecuteTransaction write requests.")
}
