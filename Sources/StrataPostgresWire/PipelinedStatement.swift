/// A statement to run outside any transaction, in a pipeline with others
/// (`PostgresConnection.send`, `ConnectionPool.run`): its SQL, which
/// each connection prepares once, and its bindings.
public struct PipelinedStatement: Sendable {
    public let sql: String
    public let bindings: PostgresBindings

    /// Roughly what its messages take on the wire.
    var size: Int { sql.utf8.count + bindings.values.count + 64 }

    public init(sql: String, bindings: PostgresBindings) {
        self.sql = sql
        self.bindings = bindings
    }
}
