#if canImport(Glibc)
import Glibc
#endif
import StrataPostgresWire
import Testing

/// The client against a real database: STRATA_TEST_POSTGRES names one
/// (`scripts/test.sh` starts it), as a Unix-socket URL
/// (`postgres://USER@/DB?host=DIR`).
enum LiveDatabase {
    static var settings: ConnectionSettings? {
        guard let url = getenv("STRATA_TEST_POSTGRES").map({ String(cString: $0) }), !url.isEmpty,
            let query = url.split(separator: "?", maxSplits: 1).last,
            let host = query.split(separator: "&").first(where: { $0.hasPrefix("host=") })
        else { return nil }
        let directory = String(host.dropFirst("host=".count))
        let afterAuthority = url.split(separator: "@", maxSplits: 1).last ?? ""
        let database = afterAuthority.dropFirst().prefix { $0 != "?" }
        let user = url.dropFirst("postgres://".count).prefix { $0 != "@" && $0 != ":" }
        return ConnectionSettings(
            endpoint: .socket(path: directory + "/.s.PGSQL.5432"), user: String(user), database: database.isEmpty ? nil : String(database))
    }

    static func connect() throws -> PostgresConnection {
        try PostgresConnection.connect(try #require(settings), deadline: .now.advanced(by: .seconds(5)))
    }
}

@Suite(.enabled(if: LiveDatabase.settings != nil, "needs a database: STRATA_TEST_POSTGRES=postgres://..."))
struct PostgresConnectionTests {
    @Test func parametersAndColumnsOfEveryTypeRoundTrip() async throws {
        let connection = try LiveDatabase.connect()
        var bindings = PostgresBindings()
        bindings.append(Int.min)
        bindings.append(Int16(-7))
        bindings.append("grüße")
        bindings.append(Bytea([0, 1, 255]))
        bindings.append(true)
        bindings.append(-0.25)
        bindings.append(nil as Int?)
        let rows = try await connection.query("SELECT $1::int8, $2::int2, $3::text, $4::bytea, $5::bool, $6::float8, $7::int8, 42::int4", bindings)
        #expect(rows.count == 1)
        let (big, small, text, bytes, flag, real, missing, four) = try rows[0].decode((Int, Int16, String, Bytea, Bool, Double, Int?, Int).self)
        #expect(big == Int.min)
        #expect(small == -7)
        #expect(text == "grüße")
        #expect(bytes.bytes == [0, 1, 255])
        #expect(flag)
        #expect(real == -0.25)
        #expect(missing == nil)
        #expect(four == 42)
    }

    @Test func arrayParametersBecomeRowsThroughUnnest() async throws {
        let connection = try LiveDatabase.connect()
        var bindings = PostgresBindings()
        bindings.append(PostgresArray([Bytea([1, 2]), Bytea([]), Bytea([255])]))
        bindings.append(PostgresArray([Int32(-1), Int32(0), Int32.max]))
        let rows = try await connection.query("SELECT b, n FROM unnest($1::bytea[], $2::int[]) AS u(b, n)", bindings)
        let decoded = try rows.map { row in try row.decode((Bytea, Int).self) }
        #expect(decoded.map(\.0.bytes) == [[1, 2], [], [255]])
        #expect(decoded.map(\.1) == [-1, 0, Int(Int32.max)])
        var empty = PostgresBindings()
        empty.append(PostgresArray([Int32]()))
        #expect(try await connection.query("SELECT cardinality($1::int[])", empty).first?.decode(Int.self) == 0)
    }

    @Test func aColumnOfAnotherTypeOrANullIsADecodingError() async throws {
        let connection = try LiveDatabase.connect()
        let row = try #require(try await connection.query("SELECT 'x'::text, NULL::int8").first)
        #expect(throws: DecodingError.self) { try row.decode(Int.self) }
        #expect(throws: DecodingError.self) { try row.decode((String, Int).self) }
        #expect(try row.decode((String, Int?).self).1 == nil)
    }

    @Test func aServerErrorLeavesTheConnectionUsable() async throws {
        let connection = try LiveDatabase.connect()
        let error = try await #require(throws: ServerError.self) { try await connection.query("SELECT 1/0") }
        #expect(error.sqlState == "22012")
        #expect(!connection.isBroken)
        #expect(try await connection.query("SELECT 2::int8").first?.decode(Int.self) == 2)
    }

    @Test func aPreparedStatementIsParsedOnceAndReused() async throws {
        let connection = try LiveDatabase.connect()
        let sql = "SELECT $1::int8 + 1"
        for value in 0..<3 {
            var bindings = PostgresBindings()
            bindings.append(value)
            #expect(try await connection.execute(prepared: sql, bindings).first?.decode(Int.self) == value + 1)
        }
        let prepared = try await connection.query("SELECT count(*) FROM pg_prepared_statements")
        #expect(try prepared.first?.decode(Int.self) == 1)
    }

    @Test func aPreparedStatementThatFailedAtItsFirstRunIsStillReused() async throws {
        let connection = try LiveDatabase.connect()
        let sql = "SELECT 10 / $1::int8"
        var zero = PostgresBindings()
        zero.append(0)
        await #expect(throws: ServerError.self) { try await connection.execute(prepared: sql, zero) }
        var two = PostgresBindings()
        two.append(2)
        #expect(try await connection.execute(prepared: sql, two).first?.decode(Int.self) == 5)
    }

    @Test func aPreparedStatementTheServerLostIsParsedAgain() async throws {
        let connection = try LiveDatabase.connect()
        let sql = "SELECT $1::int8 * 2"
        var three = PostgresBindings()
        three.append(3)
        #expect(try await connection.execute(prepared: sql, three).first?.decode(Int.self) == 6)
        try await connection.simpleQuery("DEALLOCATE ALL")
        let error = try await #require(throws: ServerError.self) { try await connection.execute(prepared: sql, three) }
        #expect(error.sqlState == "26000")
        #expect(try await connection.execute(prepared: sql, three).first?.decode(Int.self) == 6)
    }

    /// Each statement of a pipeline gets its own answer, in order; one that
    /// fails is alone in failing; a statement parsed in the pipeline is
    /// parsed once, however often it appears.
    @Test func aPipelineAnswersEachStatementAndKeepsItsErrorsApart() async throws {
        let connection = try LiveDatabase.connect()
        func statement(_ sql: String, _ value: Int) -> PipelinedStatement {
            var bindings = PostgresBindings()
            bindings.append(value)
            return PipelinedStatement(sql: sql, bindings: bindings)
        }
        let divide = "SELECT 100 / $1::int8"
        try connection.send([statement(divide, 4), statement(divide, 0), statement("SELECT $1::int8 * 3", 5), statement(divide, 5)])
        #expect(try await connection.nextAnswer().get().first?.decode(Int.self) == 25)
        guard case .failure(let error) = try await connection.nextAnswer() else { Issue.record("division by zero answered rows"); return }
        #expect(error.sqlState == "22012")
        #expect(try await connection.nextAnswer().get().first?.decode(Int.self) == 15)
        #expect(try await connection.nextAnswer().get().first?.decode(Int.self) == 20)
        #expect(connection.transactionStatus == UInt8(ascii: "I"))
        let prepared = try await connection.query("SELECT count(*) FROM pg_prepared_statements")
        #expect(try prepared.first?.decode(Int.self) == 2)
        // A pipeline's statements reuse what it prepared.
        #expect(try await connection.execute(prepared: divide, statement(divide, 10).bindings).first?.decode(Int.self) == 10)
        #expect(try await connection.query("SELECT count(*) FROM pg_prepared_statements").first?.decode(Int.self) == 2)
    }

    /// Each statement of a pipeline commits as if it were alone: the one
    /// that fails takes nothing of the others with it.
    @Test func eachStatementOfAPipelineCommitsAlone() async throws {
        let connection = try LiveDatabase.connect()
        try await connection.simpleQuery("CREATE TEMPORARY TABLE pipelined (k INT8 PRIMARY KEY)")
        let insert = "INSERT INTO pipelined VALUES ($1)"
        let keys = [1, 1, 2]
        try connection.send(keys.map { key in
            var bindings = PostgresBindings()
            bindings.append(key)
            return PipelinedStatement(sql: insert, bindings: bindings)
        })
        let answers = [try await connection.nextAnswer(), try await connection.nextAnswer(), try await connection.nextAnswer()]
        #expect(answers.map { (try? $0.get()) != nil } == [true, false, true])
        let rows = try await connection.query("SELECT k FROM pipelined ORDER BY k")
        #expect(try rows.map { try $0.decode(Int.self) } == [1, 2])
    }

    @Test func theSessionSpeaksUTF8() async throws {
        let connection = try LiveDatabase.connect()
        #expect(connection.serverParameters["client_encoding"] == "UTF8")
    }

    @Test func aQueuedStatementRunsInTheNextRoundTrip() async throws {
        let connection = try LiveDatabase.connect()
        connection.queue("START TRANSACTION ISOLATION LEVEL SERIALIZABLE")
        let level = try await connection.query("SELECT current_setting('transaction_isolation')").first?.decode(String.self)
        #expect(level == "serializable")
        #expect(connection.transactionStatus == UInt8(ascii: "T"))
        try await connection.simpleQuery("ROLLBACK")
        #expect(connection.transactionStatus == UInt8(ascii: "I"))
    }

    @Test func aFailedStatementInATransactionMarksItFailed() async throws {
        let connection = try LiveDatabase.connect()
        try await connection.simpleQuery("BEGIN")
        await #expect(throws: ServerError.self) { try await connection.query("SELECT 1/0") }
        #expect(connection.transactionStatus == UInt8(ascii: "E"))
        try await connection.simpleQuery("ROLLBACK")
        #expect(connection.transactionStatus == UInt8(ascii: "I"))
    }

    @Test func aStatementPastItsDeadlineBreaksTheConnection() async throws {
        let connection = try LiveDatabase.connect()
        connection.deadline = .now.advanced(by: .milliseconds(200))
        await #expect(throws: WireError.timedOut) { try await connection.query("SELECT pg_sleep(2)") }
        #expect(connection.isBroken)
        await #expect(throws: WireError.self) { try await connection.query("SELECT 1") }
    }

    @Test func aMissingSocketIsAConnectionFailure() async throws {
        var settings = try #require(LiveDatabase.settings)
        settings.endpoint = .socket(path: "/nonexistent/.s.PGSQL.5432")
        #expect(throws: WireError.self) { try PostgresConnection.connect(settings, deadline: .now.advanced(by: .seconds(1))) }
    }

    @Test func startupParametersReachTheSession() async throws {
        var settings = try #require(LiveDatabase.settings)
        settings.parameters = [("application_name", "strata-test"), ("statement_timeout", "1234")]
        let connection = try PostgresConnection.connect(settings, deadline: .now.advanced(by: .seconds(5)))
        #expect(try await connection.query("SELECT current_setting('statement_timeout')").first?.decode(String.self) == "1234ms")
        #expect(connection.serverParameters["application_name"] == "strata-test")
    }
}
