import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    func transactGetItems(_ request: RequestBody) async throws -> [UInt8] {
        var violations = ConstraintViolations()
        let elements = try TransactItemsInput.decode(request, elementType: "TransactGetItem", into: &violations)
        // A missing Get is a violation, so past the constraint check every element has one.
        var gets: [RequestBody] = []
        for (index, element) in elements.enumerated() {
            let path = "transactItems.\(index + 1).member.get"
            guard let get = try element.object("Get") else {
                violations.requireNonNull(nil as Int?, at: path)
                continue
            }
            gets.append(get)
            violations.checkTableName(try get.string("TableName"), at: path + ".tableName")
            violations.requireNonNull(get.value("Key"), at: path + ".key")
            if let key = get.value("Key") {
                guard case .object = key else { throw RequestBody.mismatch(key, expected: .map) }
            }
            _ = try get.stringMap("ExpressionAttributeNames")
        }
        let report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()

        var projections: [ProjectionExpression?] = []
        for get in gets {
            let expression = try get.string("ProjectionExpression")
            let parameters = try ExpressionParameters.decode(get)
            try parameters.requireExpressions(anyExpression: expression != nil, valueExpression: false, valueUsers: "")
            let context = parameters.context()
            projections.append(try expression.map { text throws(DynamoError) in
                try ProjectionExpression.parse(text, context: context, cache: expressionCache)
            })
            try context.checkAllUsed()
        }
        var tables: [TableDefinition] = []
        var keyItems: [Item] = []
        for get in gets {
            guard let name = try get.string("TableName"), let key = try get.item("Key") else { throw DynamoError.validation("Invalid request") }
            let table = try existingTable(name)
            try ItemKey.checkNoEmptyKeyValues(key, schema: table.keySchema)
            tables.append(table)
            keyItems.append(key)
        }
        let keys = try TransactionKeys.resolve(tables: tables) { index, table throws(DynamoError) in
            try ItemKey.fromKey(keyItems[index], schema: table.keySchema)
        }

        let admission = TransactionAdmission(access: .read, tables: tables, keys: keys)
        try admission.admit(self.admission)
        let items: [Item?]
        do {
            items = try await storage.readTransaction(zip(tables, keys).map { TransactionTarget(table: $0.name, key: $1) })
        } catch let conflict as TransactionConflict {
            admission.charge(self.admission, units: Array(repeating: nil, count: keys.count))
            var reasons = [CancellationReason](repeating: .none, count: keys.count)
            for index in conflict.indices {
                reasons[index] = CancellationReason(code: "TransactionConflict", message: "Transaction is ongoing for the item")
            }
            throw DynamoError.transactionCanceled(reasons)
        } catch {
            admission.charge(self.admission, units: Array(repeating: nil, count: keys.count))
            throw error
        }
        let units = items.map { CapacityUnits.read(bytes: $0?.itemSize ?? 0, consistent: true, transactional: true) }
        admission.charge(self.admission, units: units)

        var ledger = ConsumedCapacityLedger()
        ledger.split = .read
        for (table, cost) in zip(tables, units) { ledger.add(cost, table: table.name) }
        var writer = JSONWriter()
        writer.raw("{\"Responses\":[")
        for (index, (item, projection)) in zip(items, projections).enumerated() {
            if index > 0 { writer.raw(",") }
            if let item {
                writer.raw("{\"Item\":")
                writer.item(projection?.apply(to: item) ?? item)
                writer.raw("}")
            } else {
                writer.raw("{}")
            }
        }
        writer.raw("]")
        ConsumedCapacity.append(ledger.entries, report: report, list: true, to: &writer)
        writer.raw("}")
        return writer.bytes
    }
}
