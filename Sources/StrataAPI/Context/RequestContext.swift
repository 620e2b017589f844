import Logging
import StrataAdmission
import StrataAuth
import StrataModel

/// What a handler knows of the request besides its input: who sent it,
/// how to log about it, the time, and the admission control it draws on.
public struct RequestContext: Sendable {
    public let requestID: String
    /// The front's logger; `logger` adds the request id.
    private let baseLogger: Logger
    /// nil until SigV4 is turned on.
    public let principal: Principal?
    /// The request's Host header, if it had one: where the client reached
    /// this server (DescribeEndpoints).
    public var host: String?
    var clock: any WallClock = SystemWallClock()
    var admission: AdmissionController?

    public init(requestID: String, logger: Logger, principal: Principal? = nil, host: String? = nil) {
        self.requestID = requestID
        self.baseLogger = logger
        self.principal = principal
        self.host = host
    }

    /// The logger with the request id as metadata, made only when something is logged.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "request-id"] = .string(requestID)
        return logger
    }

    /// Admits the request against a table's capacity, or refuses it with
    /// DynamoDB's throttling error; the returned ticket charges what it used.
    func admit(
        _ access: Access, table: TableDefinition, partitionKey: AttributeValue?, reserving reserved: Double
    ) async throws(DynamoError) -> AdmissionTicket {
        guard let admission else { preconditionFailure("the API sets the admission controller before a handler runs") }
        await admission.ready(access, table: table)
        return try admission.admit(access, table: table, partitionKey: partitionKey, reserving: reserved)
    }
}
