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
}
