import StrataModel

/// Pulls the primary key out of items and `Key` parameters with DynamoDB's
/// checks and messages.
enum ItemKey {
    /// The key of a full item (PutItem): every key attribute present, of the
    /// declared type, non-empty and within the size limits.
    static func fromItem(_ item: Item, schema: KeySchema) throws(DynamoError) -> PrimaryKey {
        var values: [AttributeValue] = []
        for attribute in schema.attributes {
            guard let value = item[attribute.name] else {
                throw .validation("One or more parameter values were invalid: Missing the key \(attribute.name) in the item")
            }
            guard attribute.type.matches(value) else {
                throw .validation(
                    "One or more parameter values were invalid: Type mismatch for key \(attribute.name) expected: \(attribute.type.rawValue) actual: \(value.typeName)")
            }
            values.append(value)
        }
        let key = PrimaryKey(partition: values[0], sort: values.count > 1 ? values[1] : nil)
        try checkKeyValues(key, schema: schema, emptyPrefix: "One or more parameter values are not valid.")
        return key
    }

    /// The key of a `Key` parameter (GetItem, DeleteItem, UpdateItem): exactly
    /// the key attributes, no more.
    static func fromKey(_ key: Item, schema: KeySchema) throws(DynamoError) -> PrimaryKey {
        let attributes = schema.attributes
        guard key.count == attributes.count else { throw mismatch }
        var values: [AttributeValue] = []
        for attribute in attributes {
            guard let value = key[attribute.name], attribute.type.matches(value) else { throw mismatch }
            values.append(value)
        }
        let primaryKey = PrimaryKey(partition: values[0], sort: values.count > 1 ? values[1] : nil)
        try checkKeyValues(primaryKey, schema: schema, emptyPrefix: "One or more parameter values were invalid:")
        return primaryKey
    }

    /// An ExclusiveStartKey: a key of the table, or DynamoDB's "invalid starting key".
    static func startKey(_ item: Item, schema: KeySchema) throws(DynamoError) -> PrimaryKey {
        try checkNoEmptyKeyValues(item, schema: schema, prefix: "The provided starting key is invalid: One or more parameter values are not valid.")
        do {
            return try fromKey(item, schema: schema)
        } catch {
            throw .validation("The provided starting key is invalid: The provided key element does not match the schema")
        }
    }

    /// Refuses an empty string or binary value for any key attribute that
    /// `item` holds. Transactions check this for every action before they
    /// validate any key against its schema; a start key, before its shape.
    static func checkNoEmptyKeyValues(
        _ item: Item, schema: KeySchema, prefix: String = "One or more parameter values are not valid."
    ) throws(DynamoError) {
        for attribute in schema.attributes {
            guard let value = item[attribute.name], attribute.type.matches(value) else { continue }
            try checkNotEmpty(value, name: attribute.name, prefix: prefix)
        }
    }

    private static var mismatch: DynamoError {
        .validation("The provided key element does not match the schema")
    }

    private static func checkKeyValues(_ key: PrimaryKey, schema: KeySchema, emptyPrefix: String) throws(DynamoError) {
        try checkNotEmpty(key.partition, name: schema.partitionKey.name, prefix: emptyPrefix)
        if key.partition.size > KeyLimits.maximumPartitionKeyBytes {
            throw .validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
        }
        if let sort = key.sort, let sortKey = schema.sortKey {
            try checkNotEmpty(sort, name: sortKey.name, prefix: emptyPrefix)
            if sort.size > KeyLimits.maximumSortKeyBytes {
                throw .validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
            }
        }
    }

    private static func checkNotEmpty(_ value: AttributeValue, name: String, prefix: String) throws(DynamoError) {
        if value.isEmptyKeyValue {
            throw .validation(EmptyKeyValue.tableKey(value, attribute: name, prefix: prefix))
        }
    }
}
