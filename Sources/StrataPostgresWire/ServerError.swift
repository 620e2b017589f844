/// An error the database reported (an ErrorResponse). The connection is
/// still usable: the statement failed, and a transaction it was in is aborted.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// The SQLSTATE code, such as 40001 for a serialization failure.
    public let sqlState: String
    public let message: String
    public let detail: String?

    init(fields: [UInt8: String]) {
        sqlState = fields[UInt8(ascii: "C")] ?? "XX000"
        message = fields[UInt8(ascii: "M")] ?? "unknown error"
        detail = fields[UInt8(ascii: "D")]
    }

    public init(sqlState: String, message: String, detail: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
    }

    public var description: String {
        "\(sqlState) \(message)" + (detail.map { " (\($0))" } ?? "")
    }
}
