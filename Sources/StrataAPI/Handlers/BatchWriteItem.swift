import StrataModel
import StrataStorage

extension DynamoAPI {
    /// DynamoDB's limit on the writes of one BatchWriteItem.
    static let batchWriteMaximumRequests = 25

    /// One put or delete of a BatchWriteItem, validated.
    private struct BatchWrite: Sendable {
        let table: String
        let key: PrimaryKey
        /// nil for a delete.
        let item: Item?
    }

    func batchWriteItem(_ request: RequestBody) async throws -> [UInt8] {
        let writes = try batchWrites(request)
        // Every write joins its partition's next group commit at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for write in writes {
                group.addTask { [storage] in
                    try await storage.writeItem(table: write.table, key: write.key) { _ in
                        ItemWrite(write.item.map { .put($0) } ?? .delete, result: ())
                    }
                }
            }
            try await group.waitForAll()
        }
        return Array(#"{"UnprocessedItems":{}}"#.utf8)
    }

    private func batchWrites(_ request: RequestBody) throws -> [BatchWrite] {
        guard let requestItems = try request.object("RequestItems") else {
            throw DynamoError.validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
        }
        if requestItems.object.isEmpty {
            throw DynamoError.validation("The requestItems parameter is required for BatchWriteItem")
        }
        var writes: [BatchWrite] = []
        var violations = ConstraintViolations()
        for member in requestItems.object.members {
            violations.checkTableName(member.key, at: "requestItems.\(member.key).member.tableName")
            guard case .array(let entries) = member.value else { throw RequestBody.mismatch(member.value, expected: .list) }
            if entries.isEmpty || entries.count > Self.batchWriteMaximumRequests {
                violations.add("'[]'" , at: "requestItems",
                    "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
            }
        }
        try violations.throwIfAny()
        for member in requestItems.object.members {
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
                    write = BatchWrite(table: member.key, key: key, item: item)
                case (nil, let delete?):
                    guard let keyItem = try delete.item("Key") else {
                        throw DynamoError.validation("1 validation error detected: Value null at 'requestItems.\(member.key).member.deleteRequest.key' failed to satisfy constraint: Member must not be null")
                    }
                    write = BatchWrite(table: member.key, key: try ItemKey.fromKey(keyItem, schema: table.keySchema), item: nil)
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
            throw DynamoError.validation(
                "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
        }
        return writes
    }
}
