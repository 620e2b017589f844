/// A write transaction's commit point as one of its tables' partitions
/// records it: the millisecond every change of the transaction carries in
/// the history, and whether that table's history has them at all, decided
/// once for all of its partitions. A backup's moment then has all of the
/// transaction or none of it.
struct CommitPoint: Sendable {
    var milliseconds: Int
    var keepsHistory: Bool
}
