/// What one group transaction of a `GroupCommitWriter` accumulates beside
/// its SQL changes: a partition counts items and bytes, the transaction log
/// only bytes toward its next checkpoint. Used only on the writer's queue.
protocol GroupCommitTransaction: AnyObject, SendableMetatype {
    /// What committed transactions add up to, kept by the writer.
    associatedtype Totals: Sendable
    /// What rolling one failed request back must restore.
    associatedtype Savepoint
    /// What every transaction of one writer shares.
    associatedtype Context: Sendable

    init(connection: SQLiteConnection, context: Context)

    var savepoint: Savepoint { get }
    func rollBack(to savepoint: Savepoint)
    /// The transaction's last writes, just before COMMIT.
    func willCommit() throws
    /// Adds what the committed transaction did to the writer's totals.
    func addCommitted(to totals: inout Totals)
    /// Answers the committed transaction's requests with `answer`, now or
    /// once work that must follow the commit is done.
    func deliver(_ answer: @escaping @Sendable () -> Void)
}

extension GroupCommitTransaction {
    func deliver(_ answer: @escaping @Sendable () -> Void) {
        answer()
    }
}
