import StrataAPI
import StrataModel
import Testing

/// A SELECT's NextToken resumes only the statement that gave it.
@Suite struct StatementResumptionTests {
    @Test func aNextTokenResumesOnlyItsOwnStatement() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("tbl")
        for key in ["a", "b", "c"] {
            _ = await harness.success("PutItem", #"{"TableName":"tbl","Item":{"pk":{"S":"\#(key)"}}}"#)
        }
        let first = await harness.success("ExecuteStatement", #"{"Statement":"SELECT * FROM tbl","Limit":2}"#)
        guard case .string(let token)? = first["NextToken"], case .array(let items)? = first["Items"] else {
            Issue.record("no NextToken after a page of 2 of 3 items: \(first)")
            return
        }
        #expect(items.count == 2)
        let rest = await harness.success("ExecuteStatement", #"{"Statement":"SELECT * FROM tbl","NextToken":"\#(token)"}"#)
        guard case .array(let others)? = rest["Items"] else {
            Issue.record("no items: \(rest)")
            return
        }
        #expect(others.count == 1 && rest["NextToken"] == nil)
        #expect(await harness.error("ExecuteStatement", #"{"Statement":"SELECT pk FROM tbl","NextToken":"\#(token)"}"#)
            == .validation("NextToken does not match request"))
    }
}
