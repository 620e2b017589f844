import StrataModel

/// The `StreamSpecification` parameter of CreateTable and UpdateTable.
struct StreamSpecificationInput: Sendable {
    let enabled: Bool
    /// Required when `enabled`, refused otherwise (`check()`).
    let viewType: StreamViewType?

    static func decode(_ request: RequestBody?, into violations: inout ConstraintViolations) throws(DynamoError) -> Self? {
        guard let request else { return nil }
        let enabled = try request.bool("StreamEnabled")
        let viewText = try request.string("StreamViewType")
        violations.requireNonNull(enabled, at: "streamSpecification.streamEnabled")
        violations.checkEnum(viewText, at: "streamSpecification.streamViewType", allowed: StreamViewType.allCases.map(\.rawValue))
        guard let enabled else { return nil }
        return Self(enabled: enabled, viewType: viewText.flatMap(StreamViewType.init(rawValue:)))
    }

    /// The view type goes with an enabled stream, and only with one.
    func check() throws(DynamoError) {
        if enabled, viewType == nil {
            throw .validation("One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true")
        }
        if !enabled, viewType != nil {
            throw .validation("One or more parameter values were invalid: StreamViewType cannot be specified when StreamEnabled is false")
        }
    }

    /// Turns the table's stream on or off, refusing what DynamoDB refuses
    /// given its current state.
    func apply(to table: inout TableDefinition, at now: Double) throws(DynamoError) {
        if enabled, let viewType {
            if table.currentStream != nil {
                throw .validation("Table already has an enabled stream: TableName: \(table.name)")
            }
            table.enableStream(viewType, at: now)
        } else {
            if table.currentStream == nil {
                throw .validation("Table has no stream to disable: TableName: \(table.name)")
            }
            table.disableStream(at: now)
        }
    }
}
