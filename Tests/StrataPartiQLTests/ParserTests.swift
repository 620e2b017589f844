import StrataModel
import Testing

@testable import StrataPartiQL

@Suite struct ParserTests {
    private func parse(_ text: String) throws -> StatementSyntax {
        try ParsedStatement.parse(text).syntax
    }

    private func path(_ name: String, _ steps: PathSyntax.Step...) -> Expression {
        .path(PathSyntax(name: name, steps: steps))
    }

    /// The message of the ValidationException a statement fails with.
    private func failure(_ text: String) -> String? {
        do {
            _ = try ParsedStatement.parse(text)
            return nil
        } catch {
            guard case .validation(let message) = error else { return "not a ValidationException: \(error)" }
            return message
        }
    }

    @Test func selectStar() throws {
        #expect(try parse(#"SELECT * FROM "Music""#) == .select(SelectSyntax(projection: nil, tableName: "Music", indexName: nil, condition: nil, orderBy: [])))
    }

    @Test func selectPathsFromAnIndexWithOrdering() throws {
        let syntax = try parse(#"select a, "b".c[2], d['e'] from Music."ByYear" where pk = ? order by sk desc"#)
        let expected = SelectSyntax(
            projection: [
                PathSyntax(name: "a"), PathSyntax(name: "b", steps: [.name("c"), .index(2)]), PathSyntax(name: "d", steps: [.name("e")]),
            ],
            tableName: "Music", indexName: "ByYear",
            condition: .comparison(.equal, path("pk"), .parameter(0)),
            orderBy: [OrderingSyntax(path: PathSyntax(name: "sk"), descending: true)])
        #expect(syntax == .select(expected))
    }

    @Test func predicatesBindAsInSQL() throws {
        guard case .select(let select) = try parse("SELECT * FROM t WHERE a = 1 OR NOT b < 2 AND c BETWEEN 1 AND 3") else {
            Issue.record("not a SELECT")
            return
        }
        #expect(select.condition == .or(
            .comparison(.equal, path("a"), .number("1")),
            .and(.not(.comparison(.less, path("b"), .number("2"))), .between(path("c"), lower: .number("1"), upper: .number("3")))))
    }

    @Test func inIsAndFunctions() throws {
        guard case .select(let select) = try parse(
            "SELECT * FROM t WHERE a IN [1, 'x'] AND b NOT IN (2) AND c IS MISSING AND d IS NOT NULL AND begins_with(e, 'p') AND size(f) > 3")
        else {
            Issue.record("not a SELECT")
            return
        }
        let expected: Expression = .and(
            .and(
                .and(
                    .and(
                        .and(.in(path("a"), [.number("1"), .string("x")]), .not(.in(path("b"), [.number("2")]))),
                        .isMissing(path("c"))),
                    .not(.isNull(path("d")))),
                .call("begins_with", [path("e"), .string("p")])),
            .comparison(.greater, .call("size", [path("f")]), .number("3")))
        #expect(select.condition == expected)
    }

    @Test func literals() throws {
        guard case .insert(let insert) = try parse(
            "INSERT INTO t VALUE {'pk': 'a', 'n': -1.5e3, 'yes': true, 'no': FALSE, 'none': null, 'l': [1, ?], 'm': {'x': {}}, 's': <<'a', 'b'>>}")
        else {
            Issue.record("not an INSERT")
            return
        }
        #expect(insert.value == .tuple([
            TupleMember(key: "pk", value: .string("a")),
            TupleMember(key: "n", value: .number("-1.5e3")),
            TupleMember(key: "yes", value: .boolean(true)),
            TupleMember(key: "no", value: .boolean(false)),
            TupleMember(key: "none", value: .null),
            TupleMember(key: "l", value: .list([.number("1"), .parameter(0)])),
            TupleMember(key: "m", value: .tuple([TupleMember(key: "x", value: .tuple([]))])),
            TupleMember(key: "s", value: .bag([.string("a"), .string("b")])),
        ]))
    }

    @Test func updateWithEveryClause() throws {
        let syntax = try parse("UPDATE t SET a = a + 1, b = list_append(b, [2]) SET c = 'x' REMOVE d, e[1] WHERE pk = 'k' RETURNING MODIFIED NEW *")
        let expected = UpdateSyntax(
            tableName: "t",
            actions: [
                .set(PathSyntax(name: "a"), .arithmetic(.plus, path("a"), .number("1"))),
                .set(PathSyntax(name: "b"), .call("list_append", [path("b"), .list([.number("2")])])),
                .set(PathSyntax(name: "c"), .string("x")),
                .remove(PathSyntax(name: "d")),
                .remove(PathSyntax(name: "e", steps: [.index(1)])),
            ],
            condition: .comparison(.equal, path("pk"), .string("k")),
            returning: .modifiedNew)
        #expect(syntax == .update(expected))
    }

    @Test func deleteAndExists() throws {
        #expect(try parse("DELETE FROM t WHERE pk = 1 RETURNING ALL OLD *") == .delete(DeleteSyntax(
            tableName: "t", condition: .comparison(.equal, path("pk"), .number("1")), returning: .allOld)))
        #expect(try parse("EXISTS(SELECT * FROM t WHERE pk = 1)") == .exists(SelectSyntax(
            projection: nil, tableName: "t", indexName: nil, condition: .comparison(.equal, path("pk"), .number("1")), orderBy: [])))
    }

    @Test func parametersAreCountedInOrder() throws {
        let statement = try ParsedStatement.parse("SELECT * FROM t WHERE a = ? AND b IN [?, ?]")
        #expect(statement.parameterCount == 3)
        #expect(statement.isRead)
        #expect(try !ParsedStatement.parse("DELETE FROM t WHERE a = ?").isRead)
    }

    @Test func quotedNamesMayBeKeywords() throws {
        #expect(try parse(#"SELECT "select" FROM "from""#) == .select(SelectSyntax(
            projection: [PathSyntax(name: "select")], tableName: "from", indexName: nil, condition: nil, orderBy: [])))
    }

    @Test(arguments: [
        ("", "Unexpected end of input"),
        ("SELEC * FROM t", "Expected data manipulation"),
        ("SELECT * FROM", "Unexpected end of input"),
        ("SELECT * FROM select", "Unexpected keyword"),
        ("SELECT * FROM t WHERE", "Unexpected end of input"),
        // An unclosed quote: DynamoDB gives no detail at all.
        ("SELECT * FROM t WHERE a = 'open", ""),
        ("SELECT * FROM t extra", "Unexpected token after expression"),
        ("SELECT * FROM t; SELECT * FROM t", "Unexpected token after expression"),
        ("SELECT * FROM t WHERE a = = 1", "Unexpected operator"),
        ("UPDATE t WHERE a = 1", "Unexpected keyword"),
        ("DELETE FROM t RETURNING ALL", "Unexpected end of input"),
        ("INSERT INTO t VALUES {'a': 1}", "Unexpected keyword"),
    ])
    func syntaxErrors(statement: String, detail: String) {
        #expect(failure(statement) == "Statement wasn't well formed, can't be processed: \(detail)")
    }

    @Test func commentsAndOneSemicolon() throws {
        #expect(try parse("SELECT /* every */ * -- attribute\n FROM t;") == .select(SelectSyntax(
            projection: nil, tableName: "t", indexName: nil, condition: nil, orderBy: [])))
    }

    @Test func writesNameATableNotAnIndex() {
        #expect(failure(#"UPDATE "t"."i" SET a = 1 WHERE pk = 1"#) == "This operation is not supported on an index")
        #expect(failure(#"DELETE FROM "t"."i" WHERE pk = 1"#) == "This operation is not supported on an index")
        #expect(failure(#"INSERT INTO "t"."i" VALUE {'pk': 1}"#) == "FROM clause may only contain a single table name in data manipulation statements")
    }

    @Test func nestingIsCapped() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(failure("INSERT INTO t VALUE \(deep)") == "Statement wasn't well formed, can't be processed: Statement nesting exceeds the maximum depth of 50")
        let notNot = "SELECT * FROM t WHERE " + String(repeating: "NOT ", count: 500) + "a = 1"
        #expect(failure(notNot) != nil)
    }

    /// Random token soup, and random cuts of valid statements, never crash
    /// the parser: each parses or fails with a ValidationException.
    @Test func fuzzedStatementsNeverCrash() {
        let pieces = [
            "SELECT", "*", "FROM", "t", "\"q\"", "WHERE", "a", "=", "?", "'s'", "1.5", "-", "+", "(", ")", "[", "]", "{", "}", "<<", ">>", ",",
            ":", ".", "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "MISSING", "NULL", "UPDATE", "SET", "REMOVE", "DELETE", "INSERT", "INTO",
            "VALUE", "RETURNING", "ALL", "OLD", "NEW", "ORDER", "BY", "DESC", "size(", "EXISTS", "'", "\"", "é", "<>", ">=",
        ]
        let valid = [
            "SELECT a.b[1], c FROM t.i WHERE pk = ? AND sk BETWEEN 1 AND 2 ORDER BY sk DESC",
            "UPDATE t SET a = set_add(a, <<'x'>>) REMOVE b WHERE pk = 'k' AND c IS NOT MISSING RETURNING ALL NEW *",
            "INSERT INTO t VALUE {'pk': [1, {'a': <<1, 2>>}]}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let statement: String
            if Bool.random(using: &generator) {
                statement = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                    .joined(separator: " ")
            } else {
                let source = Array(valid.randomElement(using: &generator)!)
                let cut = Int.random(in: 0...source.count, using: &generator)
                var chars = Array(source[..<cut])
                if !chars.isEmpty, Bool.random(using: &generator) { chars.remove(at: Int.random(in: 0..<chars.count, using: &generator)) }
                statement = String(chars)
            }
            do {
                _ = try ParsedStatement.parse(statement)
            } catch {
                guard case .validation = error else {
                    Issue.record("\(statement) failed with \(error)")
                    return
                }
            }
        }
    }
}
