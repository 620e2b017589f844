import StrataModel

extension DynamoAPI {
    /// The limits admission control holds tables to.
    func describeLimits(_ input: DescribeLimitsInput, _ context: RequestContext) async throws -> JSONOutput {
        let limits = admission.configuration
        let tableRead = Int(limits.onDemandReadUnits), tableWrite = Int(limits.onDemandWriteUnits)
        return JSONOutput(value: .object(JSONObject([
            ("AccountMaxReadCapacityUnits", .number(String(tableRead * 2))),
            ("AccountMaxWriteCapacityUnits", .number(String(tableWrite * 2))),
            ("TableMaxReadCapacityUnits", .number(String(tableRead))),
            ("TableMaxWriteCapacityUnits", .number(String(tableWrite))),
        ])))
    }
}
