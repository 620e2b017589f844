import StrataExpressions
import StrataModel
import StrataStorage

/// TransactWriteItems' request: every member's JSON type and declared
/// constraint first, for the whole request, then what each action's own
/// parameters decide, action by action.
struct TransactWriteItemsInput: OperationInput {
    /// DynamoDB's limit on the payload of one TransactWriteItems.
    static let maximumPayloadBytes = 4 * 1024 * 1024

    let actions: [TransactWriteAction]
    let token: TransactionToken?
    let report: CapacityReport

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        var violations = ConstraintViolations()
        let elements = try TransactItemsInput.decode(request, elementType: "TransactWriteItem", into: &violations)
        let token = try request.string("ClientRequestToken")
        if let token, token.isEmpty || token.count > 36 {
            violations.add("'\(token)'", at: "clientRequestToken",
                token.isEmpty ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 36")
        }
        report = try CapacityReport.decode(request, into: &violations)
        _ = try ItemCollectionMetrics.decode(request, into: &violations)
        var members: [TransactWriteAction.Members] = []
        for (index, element) in elements.enumerated() {
            members.append(try TransactWriteAction.members(of: element, position: index + 1, into: &violations))
        }
        try violations.throwIfAny()

        var actions: [TransactWriteAction] = []
        for member in members { actions.append(try TransactWriteAction.decode(member, cache: cache)) }
        if actions.reduce(0, { $0 + $1.payloadSize }) > Self.maximumPayloadBytes {
            throw .validation("Transaction request cannot be processed: Total transaction payload size cannot exceed 4 MB")
        }
        self.actions = actions
        self.token = token.map { TransactionToken(token: $0, fingerprint: RequestFingerprint.of(request.value("TransactItems") ?? .null)) }
    }

    /// Each action's key in its table, in DynamoDB's order: empty key values
    /// first, then duplicates, then each key against its schema.
    func keys(in tables: [TableDefinition]) throws(DynamoError) -> [PrimaryKey] {
        for (action, table) in zip(actions, tables) {
            try ItemKey.checkNoEmptyKeyValues(action.item, schema: table.keySchema)
            // An empty index key value refuses the whole request; another
            // bad one only cancels, below.
            if action.kind == .put, case .empty(let message)? = IndexKeyCheck.violation(in: action.item, table: table, origin: .put) {
                throw .validation(message)
            }
        }
        return try TransactionKeys.resolve(tables: tables) { index, table throws(DynamoError) in
            let key = try actions[index].key(schema: table.keySchema)
            if actions[index].kind == .put, let violation = IndexKeyCheck.violation(in: actions[index].item, table: table, origin: .put) {
                throw violation.error
            }
            return key
        }
    }
}
