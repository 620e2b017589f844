import StrataAdmission
import StrataModel
import StrataStorage

extension DynamoAPI {
    /// DynamoDB's limit on the writes of one BatchWriteItem.
    static let batchWriteMaximumRequests = 25

    /// One put or delete of a BatchWriteItem, validated.
    private struct BatchWrite: Sendable {
        let table: TableDefinition
        let key: PrimaryKey
        /// nil for a delete.
        let item: Item?
        /// The request as sent, to hand back in UnprocessedItems.
        let json: JSONValue
    }

    func batchWriteItem(_ request: RequestBody) async throws -> [UInt8] {
        var violations = ConstraintViolations()
        let report = try CapacityReport.decode(request, into: &violations)
        try violations.throwIfAny()
        let writes = try batchWrites(request)
        // Writes that admission refuses come back unprocessed; the rest all
        // join their partitions' next group commits at once.
        var admitted: [BatchWrite] = []
        var unprocessed: [(table: String, request: JSONValue)] = []
        var throttled: (any Error)?
        for write in writes {
            do {
                try admission.admit(.write, table: write.table, partitionKey: write.key.partition, reserving: CapacityUnits.write(bytes: 0))
                admitted.append(write)
            } catch {
                throttled = error
                unprocessed.append((write.table.name, write.json))
            }
        }
        if let throttled, admitted.isEmpty { throw throttled }
        // A write to an item that a transaction holds comes back unprocessed.
        let units = try await withThrowingTaskGroup(of: (Int, Double?).self) { group in
            for (index, write) in admitted.enumerated() {
                group.addTask { [storage] in
                    do {
                        let units = try await storage.writeItem(table: write.table.name, key: write.key) { current in
                            let units = CapacityUnits.write(bytes: max(current.size ?? 0, write.item?.itemSize ?? 0))
                            return ItemWrite(write.item.map { .put($0) } ?? .delete, result: units)
                        }
                        return (index, units)
                    } catch DynamoError.transactionConflict {
                        return (index, nil)
                    }
                }
            }
            var units = [Double?](repeating: nil, count: admitted.count)
            for try await (index, cost) in group { units[index] = cost }
            return units
        }
        // Each write is rounded on its own and charged to its key; the
        // response sums them per table.
        var ledger = ConsumedCapacityLedger()
        for (write, cost) in zip(admitted, units) {
            admission.charge(.write, units: cost ?? 0, reserved: CapacityUnits.write(bytes: 0), table: write.table, partitionKey: write.key.partition)
            if let cost {
                ledger.add(cost, table: write.table.name)
            } else {
                unprocessed.append((write.table.name, write.json))
            }
        }
        var writer = JSONWriter()
        writer.raw("{\"UnprocessedItems\":")
        var unprocessedObject = JSONObject()
        for entry in unprocessed {
            var list: [JSONValue] = []
            if case .array(let existing)? = unprocessedObject[entry.table] { list = existing }
            list.append(entry.request)
            unprocessedObject[entry.table] = .array(list)
        }
        writer.value(.object(unprocessedObject))
        ConsumedCapacity.append(ledger.entries, report: report, list: true, to: &writer)
        writer.raw("}")
        return writer.bytes
    }

    private func batchWrites(_ request: RequestBody) throws -> [BatchWrite] {
        let requestItems = try RequestItemsInput.decode(request, operation: "BatchWriteItem")
        var writes: [BatchWrite] = []
        var violations = ConstraintViolations()
        for member in requestItems.members {
            violations.checkTableName(member.key, at: "requestItems.\(member.key).member.tableName")
            guard case .array(let entries) = member.value else { throw RequestBody.mismatch(member.value, expected: .list) }
            if entries.isEmpty || entries.count > Self.batchWriteMaximumRequests {
                violations.add("'[]'" , at: "requestItems",
                    "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
            }
        }
        try violations.throwIfAny()
        for member in requestItems.members {
            guard case .array(let entries) = member.value else { continue }
            let table = try existingTable(member.key)
            var seen = Set<PrimaryKey>()
            for entry in entries {
                guard case .object(let object) = entry else { throw RequestBody.mismatch(entry, expected: .structure) }
                let writeRequest = RequestBody(object)
                let put = try writeRequest.object("PutRequest")
                let delete = try writeRequest.object("DeleteRequest")
                let write: BatchWrite
                switch (put, delete) {
                case (let put?, nil):
                    guard let item = try put.item("Item") else {
                        throw DynamoError.validation("1 validation error detected: Value null at 'requestItems.\(member.key).member.putRequest.item' failed to satisfy constraint: Member must not be null")
                    }
                    let key = try ItemKey.fromItem(item, schema: table.keySchema)
                    try ItemSize.check(item)
                    write = BatchWrite(table: table, key: key, item: item, json: entry)
                case (nil, let delete?):
                    guard let keyItem = try delete.item("Key") else {
                        throw DynamoError.validation("1 validation error detected: Value null at 'requestItems.\(member.key).member.deleteRequest.key' failed to satisfy constraint: Member must not be null")
                    }
                    write = BatchWrite(table: table, key: try ItemKey.fromKey(keyItem, schema: table.keySchema), item: nil, json: entry)
                default:
                    throw DynamoError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
                }
                guard seen.insert(write.key).inserted else {
                    throw DynamoError.validation("Provided list of item keys contains duplicates")
                }
                writes.append(write)
            }
        }
        if writes.count > Self.batchWriteMaximumRequests {
            throw DynamoError.validation("Too many items requested for the BatchWriteItem call")
        }
        return writes
    }
}
