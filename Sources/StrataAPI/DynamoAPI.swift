import Logging
import StrataAdmission
import StrataExpressions
import StrataModel
import StrataPartiQL
import StrataStorage

/// The DynamoDB API over a storage engine: finds the operation a target
/// names, decodes its typed input, runs its handler and writes its output.
/// Knows nothing of HTTP.
public final class DynamoAPI: Sendable {
    let storage: any StorageEngine
    let configuration: APIConfiguration
    let admission: AdmissionController
    let clock: any WallClock
    /// The exports and imports run so far.
    let exports: TransferJobs
    let imports: TransferJobs
    /// Parsed expressions by text, shared by every request.
    let expressionCache = ExpressionCache()
    /// Parsed PartiQL statements by text.
    let statementCache = StatementCache(capacity: 10_000)
    private let metrics = RequestMetrics()

    /// What a client sees of any failure that is not its own.
    static let internalErrorMessage = "The server encountered an internal error trying to fulfill the request."

    public init(
        storage: any StorageEngine, configuration: APIConfiguration, admission: AdmissionController, clock: any WallClock = SystemWallClock()
    ) {
        self.storage = storage
        self.configuration = configuration
        self.admission = admission
        self.clock = clock
        exports = TransferJobs(exportDirectory: configuration.exportDirectory, kind: "exports")
        imports = TransferJobs(exportDirectory: configuration.exportDirectory, kind: "imports")
    }

    /// Where the front starts each request's task when the engine does not
    /// run requests on the front's own threads: the storage engine's
    /// request threads, where it reads without changing threads. A long
    /// request (Scan) moves to the bulk threads in its route.
    public var requestExecutor: (any TaskExecutor)? { storage.requestExecutor }

    /// The low-priority threads long requests run on, also where the front
    /// checksums and copies a large answer.
    public var bulkExecutor: (any TaskExecutor)? { storage.bulkExecutor }

    /// Whether request tasks may run on the front's event loops once each
    /// has called `adoptCallingThread()`, instead of on `requestExecutor`.
    public var runsRequestsOnAdoptedThreads: Bool { storage.runsRequestsOnAdoptedThreads }

    /// Lets the calling thread read as the storage engine's request threads do.
    public func adoptCallingThread() { storage.adoptCallingThread() }

    /// Answers one request. `target` is the whole `X-Amz-Target` header,
    /// e.g. `DynamoDB_20120810.GetItem`.
    public func handle(target: String, body: [UInt8], context: RequestContext) async -> Result<[UInt8], DynamoError> {
        let started = ContinuousClock.now
        guard let route = Dispatcher.route(for: target) else {
            account(operation: nil, table: nil, error: .unknownOperation, since: started, context: context)
            return .failure(.unknownOperation)
        }
        var context = context
        context.admission = admission
        context.clock = clock
        var table: String?
        let result: Result<[UInt8], DynamoError>
        do {
            let request = try RequestBody.parse(body)
            table = Self.tableName(of: request)
            result = .success(try await route.run(self, request, context))
        } catch {
            result = .failure(Self.clientError(error, context: context))
        }
        let failure: DynamoError? = if case .failure(let error) = result { error } else { nil }
        account(operation: route.name, table: table, error: failure, since: started, context: context)
        return result
    }

    /// The table a request names, for its metrics and log line: its
    /// TableName, or the one table of a batch.
    private static func tableName(of request: RequestBody) -> String? {
        if let name = try? request.string("TableName") { return name }
        guard case .object(let tables)? = request.value("RequestItems"), tables.members.count == 1 else { return nil }
        return tables.members.first?.key
    }

    /// A request's metrics, and its access log line (with `--access-log`,
    /// at `info`): operation (nil: unknown), table, status, error type,
    /// duration and signer.
    private func account(operation: String?, table: String?, error: DynamoError?, since started: ContinuousClock.Instant, context: RequestContext) {
        let elapsed = ContinuousClock.now - started
        metrics.record(operation: operation, table: table, error: error, duration: elapsed)
        guard configuration.accessLog else { return }
        context.logger.info("Request", metadata: {
            let (seconds, attoseconds) = elapsed.components
            var metadata: Logger.Metadata = [
                "operation": .string(operation ?? "unknown"),
                "duration_ms": .stringConvertible(Double(seconds) * 1000 + Double(attoseconds / 1_000_000_000_000) / 1000),
                "status": .stringConvertible(error?.httpStatus ?? 200),
            ]
            if let error { metadata["error"] = .string(error.typeName) }
            if let table { metadata["table"] = .string(table) }
            if let principal = context.principal { metadata["principal"] = .string(principal.accessKeyID) }
            return metadata
        }())
    }

    /// Only `DynamoError`s reach a client, and a server fault only as
    /// DynamoDB's generic message: its cause goes to the log, with the
    /// request id, and never to the client.
    private static func clientError(_ error: any Error, context: RequestContext) -> DynamoError {
        switch error {
        case DynamoError.internalFailure(let cause):
            context.logger.error("Internal failure", metadata: ["cause": "\(cause)"])
        case let error as DynamoError:
            return error
        default:
            context.logger.error("Unexpected error", metadata: ["error": "\(error)"])
        }
        return .internalFailure(internalErrorMessage)
    }

    /// The definition of an existing table, or DynamoDB's not-found error.
    func existingTable(_ name: String) throws(DynamoError) -> TableDefinition {
        guard let definition = storage.table(named: name) else {
            throw .resourceNotFound("Requested resource not found")
        }
        return definition
    }

    /// The table a control-plane request names, with the not-found message
    /// DescribeTable, UpdateTable and DeleteTable use.
    func controlPlaneTable(_ name: String) throws(DynamoError) -> TableDefinition {
        guard let definition = storage.table(named: name) else {
            throw .resourceNotFound("Requested resource not found: Table: \(name) not found")
        }
        return definition
    }
}
