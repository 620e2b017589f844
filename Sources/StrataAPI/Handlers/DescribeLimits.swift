import StrataModel

extension DynamoAPI {
    /// The limits admission control holds tables to.
    func describeLimits(_ request: RequestBody) throws -> [UInt8] {
        let limits = admission.configuration
        let tableRead = Int(limits.onDemandReadUnits), tableWrite = Int(limits.onDemandWriteUnits)
        return JSONValue.object(JSONObject([
            ("AccountMaxReadCapacityUnits", .number(String(tableRead * 2))),
            ("AccountMaxWriteCapacityUnits", .number(String(tableWrite * 2))),
            ("TableMaxReadCapacityUnits", .number(String(tableRead))),
            ("TableMaxWriteCapacityUnits", .number(String(tableWrite))),
        ])).serialized
    }
}
