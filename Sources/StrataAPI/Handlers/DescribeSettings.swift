import StrataModel

/// The operations tools such as Terraform and the CDK call to read a
/// table's settings that this server has no use for: each answers in
/// DynamoDB's shape, with the feature off.
extension DynamoAPI {
    /// The one endpoint: where the request came, so that a client can use it.
    func describeEndpoints(_ input: DescribeEndpointsInput, _ context: RequestContext) async throws -> JSONOutput {
        let address = context.host ?? "dynamodb.\(configuration.region).amazonaws.com"
        return JSONOutput(value: .object(JSONObject([
            ("Endpoints", .array([.object(JSONObject([("Address", .string(address)), ("CachePeriodInMinutes", .number("1440"))]))])),
        ])))
    }

    func describeContributorInsights(_ input: ContributorInsightsInput, _ context: RequestContext) async throws -> JSONOutput {
        let table = try settingsTable(input.tableName)
        var output = JSONObject([("TableName", .string(input.tableName))])
        if let name = input.indexName {
            guard table.index(named: name) != nil else {
                throw DynamoError.resourceNotFound("Requested resource not found: Index: \(name) not found")
            }
            output["IndexName"] = .string(name)
        }
        output["ContributorInsightsStatus"] = .string("DISABLED")
        return JSONOutput(value: .object(output))
    }

    func describeKinesisStreamingDestination(_ input: TableNameInput, _ context: RequestContext) async throws -> JSONOutput {
        _ = try settingsTable(input.tableName)
        return JSONOutput(value: .object(JSONObject([
            ("TableName", .string(input.tableName)), ("KinesisDataStreamDestinations", .array([])),
        ])))
    }

    private func settingsTable(_ name: String) throws(DynamoError) -> TableDefinition {
        guard let table = storage.table(named: name) else { throw .resourceNotFound("Requested resource not found: Table: \(name) not found") }
        return table
    }
}
