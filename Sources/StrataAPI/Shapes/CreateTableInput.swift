import StrataExpressions
import StrataModel

/// CreateTable's request.
struct CreateTableInput: OperationInput {
    let tableName: String
    let keySchema: KeySchema
    let attributeDefinitions: [KeyAttribute]
    let billingMode: TableDefinition.BillingMode
    /// Only for PROVISIONED tables.
    let throughput: ThroughputInput.Units?
    let tags: [(key: String, value: String)]
    let deletionProtection: Bool
    let tableClass: String?
    let globalIndexes: [IndexDefinition]
    let localIndexes: [IndexDefinition]
    let stream: StreamSpecificationInput?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let name = try request.string("TableName")
        let attributeDefinitions = try request.objects("AttributeDefinitions")
        let keySchemaRequest = try request.objects("KeySchema")
        let billingModeText = try request.string("BillingMode")
        let throughputRequest = try request.object("ProvisionedThroughput")

        guard let name else {
            throw .validation("The parameter 'TableName' is required but was not present in the request")
        }
        var violations = ConstraintViolations()
        violations.checkTableName(name, creating: true)
        let keyElements = try KeySchemaInput.decode(keySchemaRequest, at: "keySchema", into: &violations)
        let definitions = try AttributeDefinitionsInput.decode(attributeDefinitions, into: &violations)
        violations.checkEnum(billingModeText, at: "billingMode", allowed: ["PROVISIONED", "PAY_PER_REQUEST"])
        let throughput = try ThroughputInput.decode(throughputRequest, at: "provisionedThroughput", into: &violations)
        // Every global index's violations come before every local one's.
        let globalIndexes = try SecondaryIndexInput.decode(
            request.objects("GlobalSecondaryIndexes"), at: "globalSecondaryIndexes", kind: .global, into: &violations)
        let localIndexes = try SecondaryIndexInput.decode(
            request.objects("LocalSecondaryIndexes"), at: "localSecondaryIndexes", kind: .local, into: &violations)
        let stream = try StreamSpecificationInput.decode(request.object("StreamSpecification"), into: &violations)
        let tags = try TagsInput.decode(request.objects("Tags"), into: &violations)
        try violations.throwIfAny()
        try TagsInput.checkCount(tags)
        try TagsInput.checkReserved(tags)
        try stream?.check(creating: true)
        guard let keyElements, let definitions else {
            throw .validation("Invalid table definition")
        }

        let billingMode = TableDefinition.BillingMode(rawValue: billingModeText ?? "PROVISIONED") ?? .provisioned
        let hasIndexes = request.value("GlobalSecondaryIndexes") != nil || request.value("LocalSecondaryIndexes") != nil
        let keySchema = try KeySchemaInput.resolve(keyElements, definitions: definitions, hasIndexes: hasIndexes)
        (self.globalIndexes, self.localIndexes) = hasIndexes
            ? try SecondaryIndexInput.resolve(
                globals: globalIndexes, locals: localIndexes, tableKey: keySchema, definitions: definitions, billingMode: billingMode)
            : ([], [])
        // The key schema and the indexes (their throughput too) come before
        // the table's throughput, as in DynamoDB Local.
        try ThroughputInput.checkMatches(
            billingMode: billingMode, explicitMode: billingModeText != nil, throughput: throughputRequest == nil ? nil : throughput)
        self.tableName = name
        self.stream = stream
        self.keySchema = keySchema
        self.attributeDefinitions = definitions
        self.billingMode = billingMode
        self.throughput = billingMode == .provisioned ? throughput : nil
        self.tags = tags
        deletionProtection = try request.bool("DeletionProtectionEnabled") ?? false
        tableClass = try request.string("TableClass")
    }
}

extension CreateTableInput {
    /// The new table's name and ARN in this region and account. It may be
    /// named by that ARN, and by no other.
    func nameAndARN(region: String, accountID: String) throws(DynamoError) -> (name: String, arn: String) {
        let name = TableReference.name(inARN: tableName) ?? tableName
        let arn = "arn:aws:dynamodb:\(region):\(accountID):table/\(name)"
        if TableReference.isARN(tableName), tableName != arn {
            throw .validation("The table ARN \(tableName) is not of this region and account: expected \(arn)")
        }
        return (name, arn)
    }
}
