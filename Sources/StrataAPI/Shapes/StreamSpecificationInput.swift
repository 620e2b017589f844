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

    /// The view type goes with an enabled stream, and only with one. AWS's
    /// words (its API calls the view type UpdateViewType here) differ
    /// between creating a table and updating one.
    func check(creating: Bool) throws(DynamoError) {
        if enabled, viewType == nil {
            throw .validation(creating
                ? "One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required"
                : "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required")
        }
        if !enabled, viewType != nil {
            throw .validation(creating
                ? "One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified"
                : "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified")
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
