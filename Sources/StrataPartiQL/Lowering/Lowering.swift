import StrataModel

extension ParsedStatement {
    /// Binds `parameters` and lowers the statement against `table`, the
    /// definition of the table it names.
    public func lower(parameters: [AttributeValue], table: TableDefinition) throws(DynamoError) -> LoweredStatement {
        guard parameters.count == parameterCount else { throw PartiQLError.parameterCountMismatch }
        var lowering = Lowering(table: table, writer: ExpressionWriter(binding: Binding(parameters: parameters)))
        switch syntax {
        case .select(let select): return try lowering.select(select)
        case .exists(let select): return try lowering.exists(select)
        case .insert(let insert): return try lowering.insert(insert)
        case .update(let update): return try lowering.update(update)
        case .delete(let delete): return try lowering.delete(delete)
        }
    }
}

/// Lowers one statement: SELECT to GetItem, Query or Scan; INSERT to a
/// conditional PutItem; UPDATE and DELETE to UpdateItem and DeleteItem on
/// the key the WHERE clause fixes, its other terms the condition.
struct Lowering {
    let table: TableDefinition
    var writer: ExpressionWriter
    /// The index a SELECT reads, if any.
    var indexName: String?
    private var request = JSONObject()

    init(table: TableDefinition, writer: ExpressionWriter) {
        self.table = table
        self.writer = writer
    }

    private var binding: Binding { writer.binding }

    // MARK: SELECT

    mutating func select(_ select: SelectSyntax) throws(DynamoError) -> LoweredStatement {
        let schema: IndexKeySchema
        if let name = select.indexName {
            guard let index = table.index(named: name) else {
                throw .validation("The table does not have the specified index")
            }
            schema = index.keySchema
            indexName = name
        } else {
            schema = IndexKeySchema(table.keySchema)
        }
        let ordering = try Ordering(select, schema: schema)
        var terms = Conjuncts(select.condition, binding: binding)
        var partition: [(String, AttributeValue)] = []
        for attribute in schema.partitionKeys {
            guard let value = try terms.takeKeyEquality(of: attribute) else { break }
            partition.append((attribute.name, value))
        }
        if partition.count == schema.partitionKeys.count {
            return try lookUp(select, schema: schema, ordering: ordering, partition: partition, terms: terms)
        }
        // `pk IN [a, b]` or `pk = a OR pk = b`: a Query for each value, in turn.
        if schema.partitionKeys.count == 1, let attribute = schema.partitionKeys.first,
            var values = try terms.takeAlternatives(of: attribute)
        {
            guard values.count <= Self.maximumDecomposedReads else {
                throw .validation("Too many decomposed read operations for a given query.")
            }
            if !select.orderBy.isEmpty {
                guard let descending = ordering.partitionDescending else {
                    throw .validation("Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.")
                }
                values.sort { KeyOrder.precedes($0, $1) != descending }
            }
            var requests: [JSONObject] = []
            for value in values {
                var lowering = Lowering(table: table, writer: ExpressionWriter(binding: binding))
                lowering.indexName = indexName
                let one = try lowering.query(select, schema: schema, ordering: ordering, partition: [(attribute.name, value)], terms: terms)
                if one.operation == .scan { return one }
                requests.append(one.request)
            }
            var lowered = LoweredStatement(operation: .query, requests: requests)
            lowered.columns = try SelectColumns(select.projection)
            return lowered
        }
        guard select.orderBy.isEmpty else {
            throw .validation("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.")
        }
        return try finish(.scan, condition: select.condition, projection: select.projection)
    }

    /// The most Queries one SELECT may stand for.
    static let maximumDecomposedReads = 50

    /// A SELECT that fixes the partition key: GetItem when it fixes the
    /// table's whole key and nothing else, a Query otherwise.
    private mutating func lookUp(
        _ select: SelectSyntax, schema: IndexKeySchema, ordering: Ordering, partition: [(String, AttributeValue)], terms: Conjuncts
    ) throws(DynamoError) -> LoweredStatement {
        if select.indexName == nil, select.orderBy.isEmpty {
            var lookup = terms
            var key: [(String, AttributeValue)] = partition
            if let sortKey = table.keySchema.sortKey, let value = try lookup.takeKeyEquality(of: sortKey) {
                key.append((sortKey.name, value))
            }
            if key.count == table.keySchema.attributes.count, lookup.remaining.isEmpty {
                request.members.append(("Key", .object(JSONObject(key.map { ($0.0, $0.1.jsonValue) }))))
                return try finish(.getItem, condition: nil, projection: select.projection)
            }
        }
        return try query(select, schema: schema, ordering: ordering, partition: partition, terms: terms)
    }

    /// A Query of one partition-key value: the sort-key condition the
    /// terms allow, the rest as the filter. A filter may not read key
    /// attributes, so terms that still do make the SELECT a filtered Scan.
    private mutating func query(
        _ select: SelectSyntax, schema: IndexKeySchema, ordering: Ordering, partition: [(String, AttributeValue)], terms: Conjuncts
    ) throws(DynamoError) -> LoweredStatement {
        var terms = terms
        var keyCondition = partition.map { "\(writer.name($0.0)) = \(writer.value($0.1))" }
        for attribute in schema.sortKeys {
            if let value = try terms.takeKeyEquality(of: attribute) {
                keyCondition.append("\(writer.name(attribute.name)) = \(writer.value(value))")
                continue
            }
            if let text = try terms.takeSortCondition(of: attribute.name, writer: &writer) { keyCondition.append(text) }
            break
        }
        if terms.mentions(Set(schema.attributes.map(\.name))) {
            writer = ExpressionWriter(binding: binding)
            return try finish(.scan, condition: select.condition, projection: select.projection)
        }
        request.members.append(("KeyConditionExpression", .string(keyCondition.joined(separator: " AND "))))
        if ordering.sortDescending { request.members.append(("ScanIndexForward", .bool(false))) }
        return try finish(.query, condition: terms.condition, projection: select.projection)
    }

    /// `EXISTS(SELECT * FROM t WHERE <key> AND ...)`: a ConditionCheck that
    /// the item exists and meets the other terms.
    mutating func exists(_ select: SelectSyntax) throws(DynamoError) -> LoweredStatement {
        indexName = select.indexName
        var terms = Conjuncts(select.condition, binding: binding)
        try takeKey(from: &terms)
        var condition = "attribute_exists(\(writer.name(table.keySchema.partitionKey.name)))"
        if let rest = terms.condition { condition += " AND (\(try writer.condition(rest)))" }
        request.members.append(("ConditionExpression", .string(condition)))
        var lowered = try finish(.conditionCheck, condition: nil, projection: nil)
        lowered.hasCondition = terms.condition != nil
        return lowered
    }

    // MARK: Writes

    mutating func insert(_ insert: InsertSyntax) throws(DynamoError) -> LoweredStatement {
        guard case .m(let item) = try binding.requireConstant(insert.value) else {
            throw DynamoError.validation("Unsupported operation: Insert with a value that is not a tuple")
        }
        request.members.append(("Item", item.jsonValue))
        let partitionKey = writer.name(table.keySchema.partitionKey.name)
        request.members.append(("ConditionExpression", .string("attribute_not_exists(\(partitionKey))")))
        return try finish(.putItem, condition: nil, projection: nil, isInsert: true)
    }

    mutating func update(_ update: UpdateSyntax) throws(DynamoError) -> LoweredStatement {
        var terms = Conjuncts(update.condition, binding: binding)
        try takeKey(from: &terms)
        var sets: [String] = [], removes: [String] = [], adds: [String] = [], deletes: [String] = []
        for action in update.actions {
            switch action {
            case .set(let path, .call(let function, let arguments)) where function == "set_add" || function == "set_delete":
                guard arguments.count == 2, arguments[0].path == path else {
                    throw .validation("The first argument to \(function.uppercased()) must equal the assignment value")
                }
                guard let value = try binding.constant(arguments[1]), ["SS", "NS", "BS"].contains(value.typeName) else {
                    throw .validation("The second argument to \(function.uppercased()) must be a value with type SET")
                }
                let text = "\(writer.path(path)) \(writer.value(value))"
                if function == "set_add" { adds.append(text) } else { deletes.append(text) }
            case .set(let path, let value):
                sets.append("\(writer.path(path)) = \(try writer.operand(value))")
            case .remove(let path):
                removes.append(writer.path(path))
            }
        }
        var clauses: [String] = []
        if !sets.isEmpty { clauses.append("SET " + sets.joined(separator: ", ")) }
        if !removes.isEmpty { clauses.append("REMOVE " + removes.joined(separator: ", ")) }
        if !adds.isEmpty { clauses.append("ADD " + adds.joined(separator: ", ")) }
        if !deletes.isEmpty { clauses.append("DELETE " + deletes.joined(separator: ", ")) }
        request.members.append(("UpdateExpression", .string(clauses.joined(separator: " "))))
        // UPDATE changes an item that exists; it never creates one.
        var condition = "attribute_exists(\(writer.name(table.keySchema.partitionKey.name)))"
        if let rest = terms.condition { condition += " AND (\(try writer.condition(rest)))" }
        request.members.append(("ConditionExpression", .string(condition)))
        if let returning = update.returning { request.members.append(("ReturnValues", .string(returning.rawValue))) }
        return try finish(.updateItem, condition: nil, projection: nil)
    }

    mutating func delete(_ delete: DeleteSyntax) throws(DynamoError) -> LoweredStatement {
        var terms = Conjuncts(delete.condition, binding: binding)
        try takeKey(from: &terms)
        if let returning = delete.returning {
            guard returning == .allOld else {
                throw .validation(
                    "Invalid returning clause: RETURNING \(returning.clause) *. Only RETURNING ALL OLD * is allowed in DELETE statements.")
            }
            request.members.append(("ReturnValues", .string(returning.rawValue)))
        }
        return try finish(.deleteItem, condition: terms.condition, projection: nil)
    }

    /// A write's WHERE clause must fix the table's whole key with equalities.
    private mutating func takeKey(from terms: inout Conjuncts) throws(DynamoError) {
        var key = JSONObject()
        for attribute in table.keySchema.attributes {
            guard let value = try terms.takeKeyEquality(of: attribute) else {
                throw .validation("Where clause does not contain a mandatory equality on all key attributes")
            }
            // The same key twice is one item only if both say the same.
            if let other = try terms.takeKeyEquality(of: attribute), other != value {
                throw .validation("Multiple conditions on same key \(attribute.name). Only single item Update/Insert/Delete are supported")
            }
            key.members.append((attribute.name, value.jsonValue))
        }
        request.members.append(("Key", .object(key)))
    }

    // MARK: The request

    /// Adds the filter or condition, the projection, the placeholders and
    /// the table's name.
    private mutating func finish(
        _ operation: LoweredStatement.Operation, condition: Expression?, projection: [PathSyntax]?, isInsert: Bool = false
    ) throws(DynamoError) -> LoweredStatement {
        if let condition {
            let member = operation == .query || operation == .scan ? "FilterExpression" : "ConditionExpression"
            request.members.append((member, .string(try writer.condition(condition))))
        }
        let columns = try SelectColumns(projection)
        if let projection {
            // Nested paths are read as their whole top-level attributes and
            // cut out after (SelectColumns): a projection would pack the
            // list elements it keeps, moving them from their indexes.
            var names: [String] = []
            for path in projection where !names.contains(path.name) { names.append(path.name) }
            let paths = columns == nil ? projection.map { writer.path($0) } : names.map { writer.name($0) }
            request.members.append(("ProjectionExpression", .string(paths.joined(separator: ", "))))
        }
        if !writer.names.isEmpty {
            request.members.append(("ExpressionAttributeNames", .object(JSONObject(writer.names.map { ($0.placeholder, .string($0.name)) }))))
        }
        if !writer.values.isEmpty {
            request.members.append(("ExpressionAttributeValues", .object(JSONObject(writer.values.map { ($0.placeholder, $0.value.jsonValue) }))))
        }
        if let indexName { request.members.insert(("IndexName", .string(indexName)), at: 0) }
        request.members.insert(("TableName", .string(table.name)), at: 0)
        var lowered = LoweredStatement(operation: operation, requests: [request])
        lowered.isInsert = isInsert
        lowered.columns = columns
        return lowered
    }
}
