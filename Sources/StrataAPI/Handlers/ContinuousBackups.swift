import StrataModel

/// Point-in-time recovery: turned on and off per table, and restores to
/// any millisecond of its period.
extension DynamoAPI {
    func describeContinuousBackups(_ input: TableNameInput, _ context: RequestContext) async throws -> JSONOutput {
        let table = try continuousBackupsTable(input.tableName)
        return continuousBackupsDescription(table, now: context.clock.now())
    }

    func updateContinuousBackups(_ input: UpdateContinuousBackupsInput, _ context: RequestContext) async throws -> JSONOutput {
        _ = try continuousBackupsTable(input.tableName)
        if input.enabled { try requireBackups() }
        let now = context.clock.now()
        let updated = try await storage.updateTable(named: input.tableName) { table in
            guard input.enabled else {
                table.pointInTimeRecovery = nil
                return
            }
            let days = input.periodDays ?? table.pointInTimeRecovery?.periodDays ?? PointInTimeRecovery.defaultPeriodDays
            table.pointInTimeRecovery = PointInTimeRecovery(enabledAt: table.pointInTimeRecovery?.enabledAt ?? now, periodDays: days)
        }
        return continuousBackupsDescription(updated, now: now)
    }

    func restoreTableToPointInTime(_ input: RestoreTableToPointInTimeInput, _ context: RequestContext) async throws -> TableDescription {
        try requireBackups()
        guard let source = storage.table(named: input.sourceTable) else {
            throw DynamoError.tableNotFound("Table not found: \(input.sourceTable)")
        }
        let now = context.clock.now()
        let moment = input.restoreTime ?? now
        let target = try restoredTable(input.overrides, from: source, at: moment, backup: nil, context: context)
        let created = try await storage.restoreTable(target, from: source.name, at: Int((moment * 1000).rounded(.down)))
        return TableDescription(wrapper: "TableDescription", definition: created, statistics: .init())
    }

    private func continuousBackupsTable(_ name: String) throws(DynamoError) -> TableDefinition {
        guard let table = storage.table(named: name) else { throw .tableNotFound("Table not found: \(name)") }
        return table
    }

    private func continuousBackupsDescription(_ table: TableDefinition, now: Double) -> JSONOutput {
        var recovery = JSONObject()
        if let settings = table.pointInTimeRecovery {
            recovery["PointInTimeRecoveryStatus"] = .string("ENABLED")
            recovery["RecoveryPeriodInDays"] = .number(String(settings.periodDays))
            recovery["EarliestRestorableDateTime"] = .number(TableDescription.timestamp(settings.earliestRestorable(now: now)))
            recovery["LatestRestorableDateTime"] = .number(TableDescription.timestamp(now))
        } else {
            recovery["PointInTimeRecoveryStatus"] = .string("DISABLED")
        }
        return JSONOutput(value: .object(JSONObject([
            ("ContinuousBackupsDescription", .object(JSONObject([
                ("ContinuousBackupsStatus", .string(table.pointInTimeRecovery == nil ? "DISABLED" : "ENABLED")),
                ("PointInTimeRecoveryDescription", .object(recovery)),
            ]))),
        ])))
    }
}
