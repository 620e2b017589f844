import Foundation
import StrataModel
import Testing

@testable import StrataPartiQL

@Suite struct LoweringTests {
    /// Music: Artist (S) and Song (S), with a global index ByYear on Year (N) and Song.
    private static let music: TableDefinition = {
        var table = TableDefinition(
            name: "Music", id: "id", arn: "arn:aws:dynamodb:us-east-1:000000000000:table/Music", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "Artist", type: .string), sortKey: KeyAttribute(name: "Song", type: .string)),
            attributeDefinitions: [], billingMode: .payPerRequest, throughput: nil)
        table.globalIndexes = [
            IndexDefinition(
                name: "ByYear", kind: .global,
                keySchema: IndexKeySchema(partitionKeys: [KeyAttribute(name: "Year", type: .number)], sortKeys: [KeyAttribute(name: "Song", type: .string)]),
                projection: IndexProjection(kind: .all))
        ]
        return table
    }()

    private func lower(_ text: String, _ parameters: [AttributeValue] = []) throws(DynamoError) -> LoweredStatement {
        try ParsedStatement.parse(text).lower(parameters: parameters, table: Self.music)
    }

    /// A Key or Item member, decoded: JSON objects keep their members' order.
    private func item(_ request: JSONObject, _ member: String) throws -> Item? {
        try request[member].map { json throws(DynamoError) in try Item(itemJSON: json) }
    }

    private func string(_ request: JSONObject, _ member: String) -> String? {
        if case .string(let value)? = request[member] { value } else { nil }
    }

    /// The request's placeholders, substituted back into an expression, so
    /// that tests read like the expression a client would have written.
    private func expression(_ request: JSONObject, _ member: String) -> String? {
        guard var text = string(request, member) else { return nil }
        if case .object(let names)? = request["ExpressionAttributeNames"] {
            for (placeholder, name) in names.members.reversed() {
                if case .string(let name) = name { text = text.replacingOccurrences(of: placeholder, with: name) }
            }
        }
        if case .object(let values)? = request["ExpressionAttributeValues"] {
            for (placeholder, value) in values.members.reversed() {
                text = text.replacingOccurrences(of: placeholder, with: (try? AttributeValue(json: value)).map(Self.describe) ?? "?")
            }
        }
        return text
    }

    private static func describe(_ value: AttributeValue) -> String {
        switch value {
        case .s(let s): "'\(s)'"
        case .n(let n): n.text
        default: value.typeName
        }
    }

    private func failure(_ text: String, _ parameters: [AttributeValue] = []) -> String? {
        do {
            _ = try lower(text, parameters)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theWholeKeyIsAGetItem() throws {
        let lowered = try lower("SELECT Year, Tags[0] FROM Music WHERE Artist = ? AND 'One' = Song", [.s("Acme")])
        #expect(lowered.operation == .getItem)
        #expect(try item(lowered.request, "Key") == ["Artist": .s("Acme"), "Song": .s("One")])
        // A nested path is read as its whole attribute, and cut out after.
        #expect(expression(lowered.request, "ProjectionExpression") == "Year, Tags")
        #expect(lowered.columns != nil)
        #expect(expression(try lower("SELECT Year, Tags FROM Music").request, "ProjectionExpression") == "Year, Tags")
        #expect(string(lowered.request, "TableName") == "Music")
    }

    @Test func thePartitionKeyIsAQuery() throws {
        let lowered = try lower("SELECT * FROM Music WHERE Artist = 'Acme' AND Song >= 'B' AND Year <> 2000 ORDER BY Song DESC")
        #expect(lowered.operation == .query)
        #expect(expression(lowered.request, "KeyConditionExpression") == "Artist = 'Acme' AND Song >= 'B'")
        // In PartiQL a missing attribute is unequal to nothing.
        #expect(expression(lowered.request, "FilterExpression") == "attribute_exists(Year) AND Year <> 2000")
        #expect(lowered.request["ScanIndexForward"] == .bool(false))
    }

    @Test func sortKeyForms() throws {
        #expect(expression(try lower("SELECT * FROM Music WHERE Artist = 'a' AND Song BETWEEN 'b' AND 'c'").request, "KeyConditionExpression")
            == "Artist = 'a' AND Song BETWEEN 'b' AND 'c'")
        #expect(expression(try lower("SELECT * FROM Music WHERE Artist = 'a' AND begins_with(Song, 'b')").request, "KeyConditionExpression")
            == "Artist = 'a' AND begins_with(Song, 'b')")
        #expect(expression(try lower("SELECT * FROM Music WHERE Artist = 'a' AND 'b' < Song").request, "KeyConditionExpression")
            == "Artist = 'a' AND Song > 'b'")
    }

    @Test func anIndexIsQueriedByItsOwnKey() throws {
        let lowered = try lower(#"SELECT Song FROM "Music"."ByYear" WHERE Year = 2001"#)
        #expect(lowered.operation == .query)
        #expect(string(lowered.request, "IndexName") == "ByYear")
        #expect(expression(lowered.request, "KeyConditionExpression") == "Year = 2001")
    }

    /// `IN` and `OR` on the partition key: a Query of each value, in the
    /// order written, each value once.
    @Test func severalPartitionKeyValuesAreSeveralQueries() throws {
        let lowered = try lower("SELECT * FROM Music WHERE Artist IN ['b', 'a'] AND Song > 'x' AND Year = 1")
        #expect(lowered.operation == .query)
        #expect(lowered.requests.map { expression($0, "KeyConditionExpression") } == ["Artist = 'b' AND Song > 'x'", "Artist = 'a' AND Song > 'x'"])
        #expect(lowered.requests.map { expression($0, "FilterExpression") } == ["Year = 1", "Year = 1"])
        let or = try lower("SELECT * FROM Music WHERE Artist = 'c' OR 'd' = Artist")
        #expect(or.requests.map { expression($0, "KeyConditionExpression") } == ["Artist = 'c'", "Artist = 'd'"])
        #expect(try lower("SELECT * FROM Music WHERE Artist = 'c' OR Year = 1").operation == .scan)
        let ordered = try lower("SELECT * FROM Music WHERE Artist IN ['a', 'c', 'b'] ORDER BY Artist DESC, Song")
        #expect(ordered.requests.map { expression($0, "KeyConditionExpression") } == ["Artist = 'c'", "Artist = 'b'", "Artist = 'a'"])
        #expect(failure("SELECT * FROM Music WHERE Artist IN ['b', 'a', 'b']") == "Overlapping conditions with range keys are not supported in where clause")
        let many = (0..<51).map { "'\($0)'" }.joined(separator: ", ")
        #expect(failure("SELECT * FROM Music WHERE Artist IN [\(many)]") == "Too many decomposed read operations for a given query.")
        let tooMany = (0..<101).map(String.init).joined(separator: ", ")
        #expect(failure("SELECT * FROM Music WHERE Year IN [\(tooMany)]") == "The IN operator is provided with too many operands; number of operands: 101")
    }

    @Test func keyValuesHaveTheKeysTypes() {
        let message = "Key attribute's data type should match its data type in table's schema: Key Artist"
        #expect(failure("SELECT * FROM Music WHERE Artist = 1") == message)
        #expect(failure("DELETE FROM Music WHERE Artist = 1 AND Song = 'b'") == message)
        #expect(failure("DELETE FROM Music WHERE Artist = 'a' AND Song = 'b' AND Artist = 'c'")
            == "Multiple conditions on same key Artist. Only single item Update/Insert/Delete are supported")
        #expect(failure("DELETE FROM Music WHERE Artist = 'a' AND Song = 'b' AND Artist = 'a'") == nil)
        #expect(failure("DELETE FROM Music WHERE Artist = 'a' AND Song = 'b' RETURNING ALL NEW *")
            == "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.")
    }

    @Test func nestedProjectionsAnswerUnderTheirLastName() throws {
        let lowered = try lower("SELECT a.b, l[1], m.n[0], Song FROM Music WHERE Artist = 'x'")
        let item: Item = ["a": .m(["b": .s("B"), "c": .s("C")]), "l": .l([.s("zero"), .s("one")]), "m": .m(["n": .l([.n(DynamoNumber(7))])]), "Song": .s("s")]
        #expect(lowered.columns?.apply(to: item) == ["b": .s("B"), "l[1]": .s("one"), "n[0]": .n(DynamoNumber(7)), "Song": .s("s")])
        #expect(try lower("SELECT a, b FROM Music").columns == nil)
        #expect(failure("SELECT a.z, b.z FROM Music") == "Duplicate identifiers in select clause: z")
    }

    @Test func withoutThePartitionKeyItScans() throws {
        let lowered = try lower("SELECT * FROM Music WHERE Year > 2000 OR Artist = 'Acme'")
        #expect(lowered.operation == .scan)
        #expect(expression(lowered.request, "FilterExpression") == "(Year > 2000) OR (Artist = 'Acme')")
        #expect(try lower("SELECT * FROM Music").request["FilterExpression"] == nil)
    }

    /// A Query's filter may not read key attributes, so a second condition
    /// on the sort key makes the SELECT a filtered scan.
    @Test func aSecondSortKeyConditionScans() throws {
        let lowered = try lower("SELECT * FROM Music WHERE Artist = 'a' AND Song > 'b' AND Song < 'x'")
        #expect(lowered.operation == .scan)
        #expect(expression(lowered.request, "FilterExpression") == "((Artist = 'a') AND (Song > 'b')) AND (Song < 'x')")
    }

    @Test func conditionsBecomeExpressionFunctions() throws {
        let lowered = try lower(
            "SELECT * FROM Music WHERE Year IS MISSING AND Tags IS NOT MISSING AND Label IS NULL AND contains(Tags, 'x') AND attribute_type(Year, 'N') AND size(Tags) BETWEEN 1 AND 3 AND Year IN (1, 2)")
        #expect(expression(lowered.request, "FilterExpression") == """
            ((((((attribute_not_exists(Year)) AND (NOT (attribute_not_exists(Tags)))) AND (attribute_type(Label, 'NULL'))) \
            AND (contains(Tags, 'x'))) AND (attribute_type(Year, 'N'))) AND (size(Tags) BETWEEN 1 AND 3)) AND (Year IN (1, 2))
            """)
    }

    @Test func orderByNeedsThePartitionKeyAndTheSortKey() {
        #expect(failure("SELECT * FROM Music ORDER BY Song") == "Must have WHERE clause in the statement when using ORDER BY clause.")
        #expect(failure("SELECT * FROM Music WHERE Artist = 'a' ORDER BY Year") == "Attribute Year in ORDER BY clause must be part of the primary key")
        #expect(failure("SELECT * FROM Music WHERE Year = 1 ORDER BY Song")
            == "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.")
        #expect(failure("SELECT * FROM Music WHERE Artist IN ['a', 'b'] ORDER BY Song")
            == "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.")
    }

    @Test func insertIsAConditionalPut() throws {
        let lowered = try lower("INSERT INTO Music VALUE {'Artist': ?, 'Song': 'One', 'Tags': <<'a', 'b'>>}", [.s("Acme")])
        #expect(lowered.operation == .putItem)
        #expect(lowered.isInsert)
        #expect(try item(lowered.request, "Item") == ["Artist": .s("Acme"), "Song": .s("One"), "Tags": .ss(["a", "b"])])
        #expect(expression(lowered.request, "ConditionExpression") == "attribute_not_exists(Artist)")
    }

    @Test func updateOfAnItemThatMustExist() throws {
        let lowered = try lower(
            "UPDATE Music SET Year = Year + 1, Tags = set_add(Tags, <<'c'>>) REMOVE Stale SET Gone = set_delete(Gone, <<1>>) WHERE Artist = 'a' AND Song = 'b' AND Year < 3000 RETURNING ALL NEW *")
        #expect(lowered.operation == .updateItem)
        #expect(try item(lowered.request, "Key") == ["Artist": .s("a"), "Song": .s("b")])
        #expect(expression(lowered.request, "UpdateExpression") == "SET Year = Year + 1 REMOVE Stale ADD Tags SS DELETE Gone NS")
        #expect(expression(lowered.request, "ConditionExpression") == "attribute_exists(Artist) AND (Year < 3000)")
        #expect(string(lowered.request, "ReturnValues") == "ALL_NEW")
    }

    @Test func deleteWithACondition() throws {
        let lowered = try lower("DELETE FROM Music WHERE Song = 'b' AND Artist = 'a' AND Year = 1 RETURNING ALL OLD *")
        #expect(lowered.operation == .deleteItem)
        #expect(try item(lowered.request, "Key") == ["Artist": .s("a"), "Song": .s("b")])
        #expect(expression(lowered.request, "ConditionExpression") == "Year = 1")
        #expect(string(lowered.request, "ReturnValues") == "ALL_OLD")
    }

    @Test func existsIsAConditionCheck() throws {
        let lowered = try lower("EXISTS(SELECT * FROM Music WHERE Artist = 'a' AND Song = 'b' AND Year = 1)")
        #expect(lowered.operation == .conditionCheck)
        #expect(expression(lowered.request, "ConditionExpression") == "attribute_exists(Artist) AND (Year = 1)")
    }

    @Test func writesMustFixTheWholeKey() {
        let message = "Where clause does not contain a mandatory equality on all key attributes"
        #expect(failure("UPDATE Music SET a = 1 WHERE Artist = 'a'") == message)
        #expect(failure("DELETE FROM Music WHERE Artist = 'a' OR Song = 'b'") == message)
        #expect(failure("DELETE FROM Music WHERE Artist = 'a' AND Song > 'b'") == message)
    }

    @Test func parametersMustMatchTheStatement() {
        #expect(failure("SELECT * FROM Music WHERE Artist = ?") == "Number of parameters in request and statement don't match.")
        #expect(failure("SELECT * FROM Music WHERE Artist = ?", [.s("a"), .s("b")]) == "Number of parameters in request and statement don't match.")
    }

    @Test func unknownIndex() {
        #expect(failure(#"SELECT * FROM "Music"."Nope""#) == "The table does not have the specified index")
    }

    @Test func setsHaveOneType() {
        #expect(failure("INSERT INTO Music VALUE {'Artist': 'a', 'Song': 'b', 's': <<1, 'x'>>}")
            == "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags")
        #expect(failure("INSERT INTO Music VALUE {'Artist': 'a', 'Song': 'b', 's': <<>>}") == "Empty bags are not supported")
        #expect(failure("INSERT INTO Music VALUE {'Artist': 'a', 'Song': 'b', 's': <<'x', 'y', 'x'>>}")
            == "One or more parameter values were invalid: Input collection [x, y, x] contains duplicates.")
    }

    /// The expression text depends only on the statement, never on the
    /// parameter values, so that the expression cache serves every call.
    @Test func theTextIsTheSameForEveryParameterValue() throws {
        let text = "SELECT * FROM Music WHERE Artist = ? AND Year > ?"
        let one = try lower(text, [.s("a"), .n(DynamoNumber(1))])
        let two = try lower(text, [.s("b"), .n(DynamoNumber(2))])
        #expect(one.request["KeyConditionExpression"] == two.request["KeyConditionExpression"])
        #expect(one.request["FilterExpression"] == two.request["FilterExpression"])
    }
}
