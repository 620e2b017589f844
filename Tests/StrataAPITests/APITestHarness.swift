#if canImport(Glibc)
import Glibc
#endif
import Logging
import StrataAdmission
import StrataAPI
import StrataModel
import StrataPostgres
import StrataStorage
import Testing

/// Drives `DynamoAPI` the way the HTTP front does, with no sockets, over an
/// in-memory SQLite engine, or with STRATA_TEST_POSTGRES=postgres://... over
/// the PostgreSQL engine, in a schema of its own.
struct APITestHarness {
    let api: DynamoAPI
    let storage: any StorageEngine

    init(clock: any WallClock = SystemWallClock()) async throws {
        let options = StorageOptions(dataDirectory: nil, partitionsPerTable: 4)
        if let base = getenv("STRATA_TEST_POSTGRES").map({ String(cString: $0) }), !base.isEmpty {
            var generator = SystemRandomNumberGenerator()
            let schema = "api_" + String(generator.next() as UInt64, radix: 36)
            let url = base + (base.contains("?") ? "&" : "?") + "schema=" + schema
            var postgres = PostgresOptions(location: try PostgresLocation(url: url))
            // Tests run side by side, each with its engines: a front's
            // connections all open at its start.
            postgres.maximumConnections = 4
            let engine = try await PostgresStorageEngine.open(options: options, postgres: postgres)
            // Its background jobs fill new global indexes.
            Task { await engine.run() }
            storage = engine
        } else {
            storage = try SQLiteStorageEngine(options: options)
        }
        api = DynamoAPI(
            storage: storage, configuration: APIConfiguration(),
            admission: AdmissionController(configuration: AdmissionConfiguration()), clock: clock)
    }

    static let dynamoDB = "DynamoDB_20120810."
    static let streams = "DynamoDBStreams_20120810."

    /// The response's bytes, or the error; `service` is the target's prefix.
    func bytes(_ operation: String, _ body: String, service: String = dynamoDB) async -> Result<[UInt8], DynamoError> {
        let context = RequestContext(requestID: "test", logger: Logger(label: "strata-test"))
        return await api.handle(target: service + operation, body: Array(body.utf8), context: context)
    }

    /// The response as JSON, or the error.
    func call(_ operation: String, _ body: String, service: String = dynamoDB) async -> Result<JSONValue, DynamoError> {
        switch await bytes(operation, body, service: service) {
        case .success(let bytes):
            do {
                return .success(try JSONParser.parse(bytes))
            } catch {
                Issue.record("response is not JSON: \(String(decoding: bytes, as: UTF8.self))")
                return .failure(.internalFailure("bad JSON"))
            }
        case .failure(let error):
            return .failure(error)
        }
    }

    func success(
        _ operation: String, _ body: String, service: String = dynamoDB, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> JSONObject {
        switch await call(operation, body, service: service) {
        case .success(.object(let object)):
            return object
        case .success(let other):
            Issue.record("not an object: \(other)", sourceLocation: sourceLocation)
        case .failure(let error):
            Issue.record("\(operation) failed: \(error)", sourceLocation: sourceLocation)
        }
        return JSONObject()
    }

    func error(
        _ operation: String, _ body: String, service: String = dynamoDB, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> DynamoError? {
        switch await call(operation, body, service: service) {
        case .success(let value):
            Issue.record("\(operation) succeeded: \(value)", sourceLocation: sourceLocation)
            return nil
        case .failure(let error):
            return error
        }
    }

    func createTable(_ name: String, hashType: String = "S") async {
        _ = await success("CreateTable", """
            {"TableName":"\(name)","BillingMode":"PAY_PER_REQUEST",
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"\(hashType)"}]}
            """)
    }
}
