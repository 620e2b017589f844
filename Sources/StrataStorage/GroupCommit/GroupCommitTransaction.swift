/// What one group transaction of a `GroupCommitWriter` accumulates beside
/// its SQL changes: a partition counts items and bytes, the transaction log
/// only bytes toward its next checkpoint. Used only on the writer's queue.
protocol GroupCommitTransaction: AnyObject, SendableMetatype {
    /// What committed transactions add up to, kept by the writer.
    associatedtype Totals: Sendable
    /// What rolling one failed request back must restore.
    associatedtype Savepoint

    init(connection: SQLiteConnection)

    var savepoint: Savepoint { get }
    func rollBack(to savepoint: Savepoint)
    /// The transaction's last writes, just before COMMIT.
    func willCommit() throws
    /// Adds what the committed transaction did to the writer's totals.
    func addCommitted(to totals: inout Totals)
    /// Bytes written to the write-ahead log, rolled back or not.
    var bytesWritten: Int { get }
}
