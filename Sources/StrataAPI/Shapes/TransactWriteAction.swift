import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

/// One element of TransactWriteItems' `TransactItems`: a Put, Update,
/// Delete or ConditionCheck, checked as far as the request alone allows.
struct TransactWriteAction {
    enum Kind: String, CaseIterable {
        case conditionCheck = "ConditionCheck"
        case put = "Put"
        case delete = "Delete"
        case update = "Update"

        /// The member's name in constraint messages.
        var path: String {
            switch self {
            case .conditionCheck: "conditionCheck"
            case .put: "put"
            case .delete: "delete"
            case .update: "update"
            }
        }
    }

    /// The action members an element holds, before they are checked.
    struct Members {
        let present: [(kind: Kind, body: RequestBody)]
    }

    let kind: Kind
    let tableName: String
    /// `Item` of a Put, `Key` of the others.
    let item: Item
    let condition: ConditionExpression?
    let update: UpdateExpression?
    let returnsItemOnFailure: Bool
    /// What the action adds to the request's payload for the 4 MB limit.
    let payloadSize: Int

    /// Type-checks every member of `element` (a SerializationException
    /// comes before any other error) and adds its constraint violations.
    /// `position` counts from 1, as in DynamoDB's messages.
    static func members(of element: RequestBody, position: Int, into violations: inout ConstraintViolations) throws(DynamoError) -> Members {
        var present: [(Kind, RequestBody)] = []
        for kind in Kind.allCases {
            guard let body = try element.object(kind.rawValue) else { continue }
            present.append((kind, body))
            let path = "transactItems.\(position).member.\(kind.path)"
            violations.checkTableName(try body.string("TableName"), at: path + ".tableName")
            let itemMember = kind == .put ? "Item" : "Key"
            if let item = body.value(itemMember) {
                guard case .object = item else { throw RequestBody.mismatch(item, expected: .map) }
            } else {
                violations.requireNonNull(nil as Int?, at: path + "." + itemMember.lowercased())
            }
            let condition = try body.string("ConditionExpression")
            if kind == .conditionCheck { violations.requireNonNull(condition, at: path + ".conditionExpression") }
            if kind == .update { violations.requireNonNull(try body.string("UpdateExpression"), at: path + ".updateExpression") }
            _ = try body.stringMap("ExpressionAttributeNames")
            if let values = body.value("ExpressionAttributeValues") {
                guard case .object = values else { throw RequestBody.mismatch(values, expected: .map) }
            }
            violations.checkEnum(
                try body.string("ReturnValuesOnConditionCheckFailure"), at: path + ".returnValuesOnConditionCheckFailure",
                allowed: ["ALL_OLD", "NONE"])
        }
        return Members(present: present)
    }

    /// Checks what needs only the request: one action kind, the
    /// expressions and their names and values, the item's values and size.
    static func decode(_ members: Members, cache: ExpressionCache) throws(DynamoError) -> TransactWriteAction {
        guard !members.present.isEmpty else {
            throw .validation("Invalid Request: TransactWriteRequest should contain Delete or Put or Update request")
        }
        guard members.present.count == 1, let (kind, body) = members.present.first else {
            throw .validation("TransactItems can only contain one of Check, Put, Update or Delete")
        }
        let conditionText = try body.string("ConditionExpression")
        let updateText = kind == .update ? try body.string("UpdateExpression") : nil
        let parameters = try ExpressionParameters.decode(body)
        let usesExpressions = conditionText != nil || updateText != nil
        try parameters.requireExpressions(
            anyExpression: usesExpressions, valueExpression: usesExpressions,
            valueUsers: kind == .update ? "UpdateExpression and ConditionExpression are null" : "ConditionExpression is null")
        try parameters.checkMembers()
        let context = parameters.context()
        let update = try updateText.map { text throws(DynamoError) in try UpdateExpression.parse(text, context: context, cache: cache) }
        let condition = try conditionText.map { text throws(DynamoError) in
            try ConditionExpression.parse(text, context: context, kind: .condition, cache: cache)
        }
        try context.checkAllUsed()
        guard let item = try body.item(kind == .put ? "Item" : "Key"), let tableName = try body.string("TableName") else {
            throw .validation("Invalid request")
        }
        var payloadSize = item.itemSize
        if kind == .put {
            try ItemSize.check(item)
        } else {
            payloadSize += (conditionText?.utf8.count ?? 0) + (updateText?.utf8.count ?? 0)
            payloadSize += parameters.values?.values.reduce(0) { $0 + $1.size } ?? 0
        }
        return TransactWriteAction(
            kind: kind, tableName: tableName, item: item, condition: condition, update: update,
            returnsItemOnFailure: try body.string("ReturnValuesOnConditionCheckFailure") == "ALL_OLD", payloadSize: payloadSize)
    }

    /// The action's primary key, with the messages a cancellation reports.
    func key(schema: KeySchema) throws(DynamoError) -> PrimaryKey {
        let key = kind == .put ? try ItemKey.fromItem(item, schema: schema) : try ItemKey.fromKey(item, schema: schema)
        if let update {
            for attribute in schema.attributes where update.updatedAttributeNames.contains(attribute.name) {
                throw .validation(
                    "One or more parameter values were invalid: Cannot update attribute \(attribute.name). This attribute is part of the key")
            }
        }
        return key
    }

    /// An error that refuses the whole request rather than cancelling it.
    private struct TopLevel: Error {
        let error: DynamoError
    }

    /// Checks every condition against the items as they stand and works out
    /// each action's write; cancels if any action fails. Records each
    /// action's units in `units` as it goes, failed or not.
    static func decide(
        _ actions: [TransactWriteAction], tables: [TableDefinition], keys: [Item], current: [CurrentItem], units: inout [Double?],
        indexUnits: inout [IndexWriteUnits]
    ) throws -> [ItemAction] {
        var reasons = [CancellationReason](repeating: .none, count: actions.count)
        var writes: [ItemAction] = []
        for (index, action) in actions.enumerated() {
            let old = try current[index].item()
            let oldSize = current[index].size ?? 0
            units[index] = CapacityUnits.write(bytes: oldSize, transactional: true)
            if let condition = action.condition, !condition.evaluate(old) {
                reasons[index] = CancellationReason(
                    code: "ConditionalCheckFailed", message: "The conditional request failed", item: action.returnsItemOnFailure ? old : nil)
                writes.append(.keep)
                continue
            }
            switch action.kind {
            case .conditionCheck:
                writes.append(.keep)
            case .delete:
                indexUnits[index] = IndexWriteUnits(table: tables[index], old: old, new: nil, transactional: true)
                units[index]! += indexUnits[index].total
                writes.append(.delete)
            case .put:
                let stored = StoredItem(action.item)
                indexUnits[index] = IndexWriteUnits(table: tables[index], old: old, new: action.item, transactional: true)
                units[index] = CapacityUnits.write(bytes: max(oldSize, stored.size), transactional: true) + indexUnits[index].total
                writes.append(.put(stored))
            case .update:
                guard let update = action.update, old != nil || update.createsMissingItem else {
                    writes.append(.keep)
                    continue
                }
                do {
                    var new = try update.apply(to: old)
                    new.merge(keys[index]) { _, key in key }
                    let newSize = new.itemSize
                    try ItemSize.checkUpdated(newSize)
                    if let violation = IndexKeyCheck.violation(in: new, table: tables[index], origin: .update) {
                        // An empty value refuses the request; another bad one cancels it.
                        if case .empty = violation { throw TopLevel(error: violation.error) }
                        throw violation.error
                    }
                    indexUnits[index] = IndexWriteUnits(table: tables[index], old: old, new: new, transactional: true)
                    units[index] = CapacityUnits.write(bytes: max(oldSize, newSize), transactional: true) + indexUnits[index].total
                    writes.append(.put(StoredItem(new, size: newSize)))
                } catch let refusal as TopLevel {
                    throw refusal.error
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
