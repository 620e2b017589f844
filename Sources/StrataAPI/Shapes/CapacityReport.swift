import StrataModel

/// `ReturnConsumedCapacity`: whether, and how, to report the units used.
enum CapacityReport: String {
    case none = "NONE"
    case total = "TOTAL"
    case indexes = "INDEXES"

    static func decode(_ request: RequestBody, into violations: inout ConstraintViolations) throws(DynamoError) -> CapacityReport {
        let value = try request.string("ReturnConsumedCapacity")
        violations.checkEnum(value, at: "returnConsumedCapacity", allowed: ["INDEXES", "TOTAL", "NONE"])
        switch value {
        case "TOTAL": return .total
        case "INDEXES": return .indexes
        default: return .none
        }
    }

    /// Asks for the units in a request built inside the server (a lowered
    /// PartiQL statement's), as the client asked for them.
    func ask(in request: inout JSONObject) {
        if self != .none { request.members.append(("ReturnConsumedCapacity", .string(rawValue))) }
    }
}
