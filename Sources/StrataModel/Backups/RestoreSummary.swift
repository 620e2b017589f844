/// Where a restored table's items came from (DynamoDB's RestoreSummary),
/// and whether they are still loading.
public struct RestoreSummary: Sendable, Equatable {
    public var sourceBackupArn: String?
    public var sourceTableArn: String
    /// Seconds since 1970: the moment the items are as of.
    public var restoreTime: Double
    /// True until every item is in: the table is CREATING meanwhile.
    public var inProgress: Bool

    public init(sourceBackupArn: String?, sourceTableArn: String, restoreTime: Double, inProgress: Bool) {
        self.sourceBackupArn = sourceBackupArn
        self.sourceTableArn = sourceTableArn
        self.restoreTime = restoreTime
        self.inProgress = inProgress
    }
}
