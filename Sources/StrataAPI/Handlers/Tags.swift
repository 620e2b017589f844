import StrataModel

extension DynamoAPI {
    /// Adds tags to a table, replacing the values of keys it has.
    func tagResource(_ input: TagResourceInput, _ context: RequestContext) async throws -> EmptyOutput {
        let table = try TableARN.resolve(input.resourceARN, in: storage)
        _ = try await storage.updateTable(named: table.name) { table in
            for tag in input.tags {
                if let position = table.tags.firstIndex(where: { $0.key == tag.key }) {
                    table.tags[position].value = tag.value
                } else {
                    table.tags.append(tag)
                }
            }
            try TagsInput.checkCount(table.tags)
        }
        return EmptyOutput()
    }

    /// Removes tags by key; keys the table lacks are no error.
    func untagResource(_ input: UntagResourceInput, _ context: RequestContext) async throws -> EmptyOutput {
        let table = try TableARN.resolve(input.resourceARN, in: storage)
        let keys = Set(input.keys)
        _ = try await storage.updateTable(named: table.name) { $0.tags.removeAll { keys.contains($0.key) } }
        return EmptyOutput()
    }

    func listTagsOfResource(_ input: ResourceARNInput, _ context: RequestContext) async throws -> JSONOutput {
        let table = try TableARN.resolve(input.resourceARN, in: storage)
        let tags: [JSONValue] = table.tags.map { .object(JSONObject([("Key", .string($0.key)), ("Value", .string($0.value))])) }
        return JSONOutput(value: .object(JSONObject([("Tags", .array(tags))])))
    }
}
