import StrataModel

extension DynamoAPI {
    /// Every readable stream (enabled, or disabled less than 24 hours ago),
    /// of one table or all, in ARN order so that paging is stable.
    func listStreams(_ input: ListStreamsInput, _ context: RequestContext) async throws -> JSONOutput {
        let now = context.clock.now()
        let names: [String]
        if let name = input.tableName {
            guard let table = storage.table(named: name) else {
                throw DynamoError.resourceNotFound("Requested resource not found: Table: \(name) not found")
            }
            names = [table.name]
        } else {
            names = storage.tableNames()
        }
        var streams: [(arn: String, table: String, label: String)] = []
        for name in names {
            guard let table = storage.table(named: name) else { continue }
            for stream in table.streams where stream.isReadable(at: now) {
                streams.append((stream.arn(tableARN: table.arn), name, stream.label))
            }
        }
        streams.sort { Array($0.arn.utf8).lexicographicallyPrecedes(Array($1.arn.utf8)) }
        if let start = input.exclusiveStart.map({ Array($0.text.utf8) }) {
            streams.removeAll { !start.lexicographicallyPrecedes(Array($0.arn.utf8)) }
        }
        let page = streams.prefix(input.limit)
        var output = JSONObject()
        output["Streams"] = .array(page.map {
            .object(JSONObject([("StreamArn", .string($0.arn)), ("TableName", .string($0.table)), ("StreamLabel", .string($0.label))]))
        })
        if streams.count > input.limit, let last = page.last { output["LastEvaluatedStreamArn"] = .string(last.arn) }
        return JSONOutput(value: .object(output))
    }
}
