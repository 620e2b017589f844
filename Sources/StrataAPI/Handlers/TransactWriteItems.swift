import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

extension DynamoAPI {
    /// DynamoDB's limit on the payload of one TransactWriteItems.
    static let transactionMaximumPayloadBytes = 4 * 1024 * 1024

    func transactWriteItems(_ request: RequestBody) async throws -> [UInt8] {
        // Every member's JSON type and declared constraint first, for the whole request.
        var violations = ConstraintViolations()
        let elements = try TransactItemsInput.decode(request, elementType: "TransactWriteItem", into: &violations)
        let token = try request.string("ClientRequestToken")
        if let token, token.isEmpty || token.count > 36 {
            violations.add("'\(token)'", at: "clientRequestToken",
                token.isEmpty ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 36")
        }
        let report = try CapacityReport.decode(request, into: &violations)
        violations.checkEnum(try request.string("ReturnItemCollectionMetrics"), at: "returnItemCollectionMetrics", allowed: ["SIZE", "NONE"])
        var members: [TransactWriteAction.Members] = []
        for (index, element) in elements.enumerated() {
            members.append(try TransactWriteAction.members(of: element, position: index + 1, into: &violations))
        }
        try violations.throwIfAny()

        // Then what each action's own parameters decide, action by action.
        let actions = try members.map { try TransactWriteAction.decode($0, cache: expressionCache) }
        if actions.reduce(0, { $0 + $1.payloadSize }) > Self.transactionMaximumPayloadBytes {
            throw DynamoError.validation("Transaction request cannot be processed: Total transaction payload size cannot exceed 4 MB")
        }
        let tables = try actions.map { try existingTable($0.tableName) }
        for (action, table) in zip(actions, tables) {
            try ItemKey.checkNoEmptyKeyValues(action.item, schema: table.keySchema)
        }
        let keys = try TransactionKeys.resolve(tables: tables) { index, table throws(DynamoError) in
            try actions[index].key(schema: table.keySchema)
        }

        let admission = TransactionAdmission(access: .write, tables: tables, keys: keys)
        try admission.admit(self.admission)
        let targets = zip(actions, keys).map { TransactionTarget(table: $0.tableName, key: $1) }
        let clientToken = token.map { TransactionToken(token: $0, fingerprint: RequestFingerprint.of(request.value("TransactItems") ?? .null)) }
        var units = [Double?](repeating: nil, count: actions.count)
        let outcome: TransactionWriteOutcome
        do {
            outcome = try await storage.writeTransaction(targets, token: clientToken) { current in
                try Self.decide(actions, keys: zip(keys, tables).map { $0.item(in: $1.keySchema) }, current: current, units: &units)
            }
        } catch let conflict as TransactionConflict {
            admission.charge(self.admission, units: units)
            var reasons = [CancellationReason](repeating: .none, count: actions.count)
            for index in conflict.indices {
                reasons[index] = CancellationReason(code: "TransactionConflict", message: "Transaction is ongoing for the item")
            }
            throw DynamoError.transactionCanceled(reasons)
        } catch {
            admission.charge(self.admission, units: units)
            throw error
        }
        admission.charge(self.admission, units: units)

        var ledger = ConsumedCapacityLedger()
        switch outcome {
        case .applied:
            ledger.split = .write
            for (table, cost) in zip(tables, units) { ledger.add(cost ?? 0, table: table.name) }
        case .alreadyApplied:
            // A repeat reports the reads of the items it found applied.
            ledger.split = .read
            if report != .none {
                let items = try await storage.readTransaction(targets)
                for (table, item) in zip(tables, items) {
                    ledger.add(CapacityUnits.read(bytes: item?.itemSize ?? 0, consistent: true, transactional: true), table: table.name)
                }
            }
        }
        var writer = JSONWriter()
        writer.raw("{")
        ConsumedCapacity.append(ledger.entries, report: report, list: true, first: true, to: &writer)
        writer.raw("}")
        return writer.bytes
    }

    /// Checks every condition against the items as they stand and works out
    /// each action's write; cancels if any action fails. Records each
    /// action's units in `units` as it goes, failed or not.
    private static func decide(
        _ actions: [TransactWriteAction], keys: [Item], current: [CurrentItem], units: inout [Double?]
    ) throws -> [ItemAction] {
        var reasons = [CancellationReason](repeating: .none, count: actions.count)
        var writes: [ItemAction] = []
        for (index, action) in actions.enumerated() {
            let old = try current[index].item()
            let oldSize = current[index].size ?? 0
            units[index] = CapacityUnits.write(bytes: oldSize, transactional: true)
            if let condition = action.condition, try !condition.evaluate(old) {
                reasons[index] = CancellationReason(
                    code: "ConditionalCheckFailed", message: "The conditional request failed", item: action.returnsItemOnFailure ? old : nil)
                writes.append(.keep)
                continue
            }
            switch action.kind {
            case .conditionCheck:
                writes.append(.keep)
            case .delete:
                writes.append(.delete)
            case .put:
                units[index] = CapacityUnits.write(bytes: max(oldSize, action.item.itemSize), transactional: true)
                writes.append(.put(action.item))
            case .update:
                guard let update = action.update, old != nil || update.createsMissingItem else {
                    writes.append(.keep)
                    continue
                }
                do {
                    var new = try update.apply(to: old)
                    new.merge(keys[index]) { _, key in key }
                    if new.itemSize > Item.maximumItemSize {
                        throw DynamoError.validation("Item size to update has exceeded the maximum allowed size")
                    }
                    units[index] = CapacityUnits.write(bytes: max(oldSize, new.itemSize), transactional: true)
                    writes.append(.put(new))
                } catch {
                    reasons[index] = .validationError(error)
                    writes.append(.keep)
                }
            }
        }
        if reasons.contains(where: { $0 != .none }) {
            throw DynamoError.transactionCanceled(reasons)
        }
        return writes
    }
}
