import StrataAdmission
import StrataExpressions
import StrataModel
import StrataStorage

/// The DynamoDB API over a storage engine: decodes a request body, runs the
/// operation's validation and handler, and encodes the answer. Knows
/// nothing of HTTP.
public final class DynamoAPI: Sendable {
    let storage: any StorageEngine
    let configuration: APIConfiguration
    let admission: AdmissionController
    /// Parsed expressions by text, shared by every request.
    let expressionCache = ExpressionCache()

    public init(storage: any StorageEngine, configuration: APIConfiguration, admission: AdmissionController) {
        self.storage = storage
        self.configuration = configuration
        self.admission = admission
    }

    /// Answers one request. `target` is the operation name from
    /// `X-Amz-Target` (after `DynamoDB_20120810.`).
    public func handle(target: String, body: [UInt8]) async -> Result<[UInt8], DynamoError> {
        guard let operation = Operation(rawValue: target) else {
            return .failure(.unknownOperation)
        }
        do {
            try admission.enter()
            defer { admission.exit() }
            let request = try RequestBody.parse(body)
            return .success(try await handle(operation, request))
        } catch {
            return .failure(Self.clientError(error))
        }
    }

    /// Only `DynamoError`s reach a client; anything else is a server fault.
    private static func clientError(_ error: any Error) -> DynamoError {
        (error as? DynamoError) ?? .internalFailure("The server encountered an internal error trying to fulfill the request.")
    }

    private func handle(_ operation: Operation, _ request: RequestBody) async throws -> [UInt8] {
        switch operation {
        case .createTable: try await createTable(request)
        case .describeTable: try await describeTable(request)
        case .listTables: try listTables(request)
        case .updateTable: try await updateTable(request)
        case .deleteTable: try await deleteTable(request)
        case .putItem: try await putItem(request)
        case .getItem: try await getItem(request)
        case .deleteItem: try await deleteItem(request)
        case .updateItem: try await updateItem(request)
        case .query: try await query(request)
        case .scan: try await scan(request)
        case .batchGetItem: try await batchGetItem(request)
        case .batchWriteItem: try await batchWriteItem(request)
        case .describeLimits: try describeLimits(request)
        case .transactWriteItems: try await transactWriteItems(request)
        case .transactGetItems: try await transactGetItems(request)
        }
    }

    /// The table a control-plane request names in `TableName`, checked,
    /// with the not-found message DescribeTable, UpdateTable and DeleteTable use.
    func namedTable(_ request: RequestBody) throws(DynamoError) -> TableDefinition {
        let name = try request.string("TableName")
        var violations = ConstraintViolations()
        violations.checkTableName(name)
        try violations.throwIfAny()
        guard let name, let definition = storage.table(named: name) else {
            throw .resourceNotFound("Requested resource not found: Table: \(name ?? "") not found")
        }
        return definition
    }

    /// The definition of an existing table, or DynamoDB's not-found error.
    func existingTable(_ name: String) throws(DynamoError) -> TableDefinition {
        guard let definition = storage.table(named: name) else {
            throw .resourceNotFound("Requested resource not found")
        }
        return definition
    }
}
