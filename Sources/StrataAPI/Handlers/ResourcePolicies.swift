import StrataModel

/// Resource-based policies on tables and streams: kept with their revision
/// ids and given back; this server does not evaluate them.
extension DynamoAPI {
    func putResourcePolicy(_ input: PutResourcePolicyInput, _ context: RequestContext) async throws -> JSONOutput {
        let (table, stream) = try policyTarget(input.resourceARN, at: context.clock.now())
        let now = context.clock.now()
        var revision = ""
        _ = try await storage.updateTable(named: table.name) { table throws(DynamoError) in
            let current = table.policy(ofStream: stream)
            try Self.checkRevision(input.expectedRevision, of: current, arn: input.resourceARN)
            revision = ResourcePolicy.revision(at: now, after: current?.revision)
            table.setPolicy(ResourcePolicy(document: input.policy, revision: revision), ofStream: stream)
        }
        return JSONOutput(value: .object(JSONObject([("RevisionId", .string(revision))])))
    }

    func getResourcePolicy(_ input: ResourceARNInput, _ context: RequestContext) async throws -> JSONOutput {
        let (table, stream) = try policyTarget(input.resourceARN, at: context.clock.now())
        guard let policy = table.policy(ofStream: stream) else { throw Self.noPolicy(input.resourceARN) }
        return JSONOutput(value: .object(JSONObject([("Policy", .string(policy.document)), ("RevisionId", .string(policy.revision))])))
    }

    func deleteResourcePolicy(_ input: ResourceARNInput, _ context: RequestContext) async throws -> JSONOutput {
        let (table, stream) = try policyTarget(input.resourceARN, at: context.clock.now())
        var revision = ""
        _ = try await storage.updateTable(named: table.name) { table throws(DynamoError) in
            guard let current = table.policy(ofStream: stream) else { throw Self.noPolicy(input.resourceARN) }
            try Self.checkRevision(input.expectedRevision, of: current, arn: input.resourceARN)
            revision = current.revision
            table.setPolicy(nil, ofStream: stream)
        }
        return JSONOutput(value: .object(JSONObject([("RevisionId", .string(revision))])))
    }

    /// The table a policy ARN names, and the stream's label if it names one of its streams.
    private func policyTarget(_ arn: String, at now: Double) throws(DynamoError) -> (TableDefinition, String?) {
        if let stream = StreamARN(arn) {
            let (table, definition) = try stream.resolve(in: storage, at: now)
            return (table, definition.label)
        }
        return (try TableARN.resolve(arn, in: storage), nil)
    }

    private static func checkRevision(_ expected: String?, of current: ResourcePolicy?, arn: String) throws(DynamoError) {
        guard let expected else { return }
        guard let current else { throw noPolicy(arn) }
        if current.revision != expected {
            throw .policyNotFound(
                "Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id \(expected), but the policy associated to target table \(arn) has revision id \(current.revision).")
        }
    }

    private static func noPolicy(_ arn: String) -> DynamoError {
        .policyNotFound("Resource-based policy not found for the provided ResourceArn: \(arn)")
    }
}
