import StrataAPI
import StrataModel
import Testing

/// Integer members of requests: a value that is no integer of the member's
/// Java type (Integer: 32 bits, Long: 64) is a SerializationException; an
/// integer outside the member's documented range a ValidationException.
@Suite struct IntegerMemberTests {
    static let notIntegers: [(String, String)] = [
        ("2.5", "DECIMAL_VALUE cannot be converted to Integer"),
        ("1.0", "DECIMAL_VALUE cannot be converted to Integer"),
        ("1e2", "DECIMAL_VALUE cannot be converted to Integer"),
        ("1E+2", "DECIMAL_VALUE cannot be converted to Integer"),
        ("1e400", "DECIMAL_VALUE cannot be converted to Integer"),
        ("-1e400", "DECIMAL_VALUE cannot be converted to Integer"),
        ("2147483648", "NUMBER_VALUE cannot be converted to Integer"),
        ("-2147483649", "NUMBER_VALUE cannot be converted to Integer"),
        ("9223372036854775808", "NUMBER_VALUE cannot be converted to Integer"),
        ("100000000000000000000000000000000000000000", "NUMBER_VALUE cannot be converted to Integer"),
        (#""5""#, "STRING_VALUE cannot be converted to Integer"),
        ("true", "TRUE_VALUE cannot be converted to Integer"),
        ("[1]", "Unrecognized collection type class java.lang.Integer"),
        ("{}", "Start of structure or map found where not expected"),
    ]

    @Test(arguments: notIntegers)
    func scanLimitMustBeAnInteger(value: String, message: String) async throws {
        let harness = try await APITestHarness()
        await harness.createTable("items")
        #expect(await harness.error("Scan", #"{"TableName":"items","Limit":\#(value)}"#) == .serialization(message))
        #expect(await harness.error("Query", #"{"TableName":"items","Limit":\#(value)}"#) == .serialization(message))
        #expect(await harness.error("ListTables", #"{"Limit":\#(value)}"#) == .serialization(message))
        #expect(await harness.error("Scan", #"{"TableName":"items","Segment":\#(value),"TotalSegments":2}"#) == .serialization(message))
        #expect(await harness.error("Scan", #"{"TableName":"items","Segment":0,"TotalSegments":\#(value)}"#) == .serialization(message))
    }

    @Test func serializationComesBeforeValidation() async throws {
        let harness = try await APITestHarness()
        #expect(await harness.error("Scan", #"{"TableName":"x","Segment":1.5,"TotalSegments":2}"#)
            == .serialization("DECIMAL_VALUE cannot be converted to Integer"))
        #expect(await harness.error("Scan", #"{"TableName":"x","Limit":1e400}"#)
            == .serialization("DECIMAL_VALUE cannot be converted to Integer"))
    }

    @Test func integersAtTheEdgesOfTheirRanges() async throws {
        let harness = try await APITestHarness()
        await harness.createTable("items")
        func constraint(_ value: String, _ member: String, _ text: String) -> DynamoError {
            .validation("1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: Member must have value \(text)")
        }
        // Limit: at least 1, up to Integer's largest value.
        _ = await harness.success("Scan", #"{"TableName":"items","Limit":1}"#)
        _ = await harness.success("Scan", #"{"TableName":"items","Limit":2147483647}"#)
        _ = await harness.success("Query", #"{"TableName":"items","Limit":2147483647,"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"x"}}}"#)
        #expect(await harness.error("Scan", #"{"TableName":"items","Limit":-0}"#) == constraint("0", "limit", "greater than or equal to 1"))
        #expect(await harness.error("Scan", #"{"TableName":"items","Limit":0}"#) == constraint("0", "limit", "greater than or equal to 1"))
        // Query's has no value and a capital L (nubo-db/dynamodb-conformance, checked against AWS in 2026).
        #expect(await harness.error("Query", #"{"TableName":"items","Limit":0}"#)
            == .validation("1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"))
        #expect(await harness.error("Scan", #"{"TableName":"items","Limit":-2147483648}"#)
            == constraint("-2147483648", "limit", "greater than or equal to 1"))
        // ListTables' Limit: 1 to 100.
        _ = await harness.success("ListTables", #"{"Limit":100}"#)
        #expect(await harness.error("ListTables", #"{"Limit":101}"#) == constraint("101", "limit", "less than or equal to 100"))
        #expect(await harness.error("ListTables", #"{"Limit":0}"#) == constraint("0", "limit", "greater than or equal to 1"))
        // Segment: 0 to 999999; TotalSegments: 1 to 1000000.
        _ = await harness.success("Scan", #"{"TableName":"items","Segment":999999,"TotalSegments":1000000}"#)
        _ = await harness.success("Scan", #"{"TableName":"items","Segment":0,"TotalSegments":1}"#)
        #expect(await harness.error("Scan", #"{"TableName":"items","Segment":-1,"TotalSegments":2}"#)
            == constraint("-1", "segment", "greater than or equal to 0"))
        #expect(await harness.error("Scan", #"{"TableName":"items","Segment":1000000,"TotalSegments":1000000}"#)
            == constraint("1000000", "segment", "less than or equal to 999999"))
        #expect(await harness.error("Scan", #"{"TableName":"items","Segment":0,"TotalSegments":0}"#)
            == constraint("0", "totalSegments", "greater than or equal to 1"))
        #expect(await harness.error("Scan", #"{"TableName":"items","Segment":0,"TotalSegments":1000001}"#)
            == constraint("1000001", "totalSegments", "less than or equal to 1000000"))
    }

    @Test func capacityUnitsAreLongs() async throws {
        let harness = try await APITestHarness()
        func create(_ read: String, _ write: String) -> String {
            """
            {"TableName":"units","KeySchema":[{"AttributeName":"p","KeyType":"HASH"}],
             "AttributeDefinitions":[{"AttributeName":"p","AttributeType":"S"}],
             "ProvisionedThroughput":{"ReadCapacityUnits":\(read),"WriteCapacityUnits":\(write)}}
            """
        }
        #expect(await harness.error("CreateTable", create("9223372036854775808", "1"))
            == .serialization("NUMBER_VALUE cannot be converted to Long"))
        #expect(await harness.error("CreateTable", create("1", "1.5")) == .serialization("DECIMAL_VALUE cannot be converted to Long"))
        #expect(await harness.error("CreateTable", create("1e3", "1")) == .serialization("DECIMAL_VALUE cannot be converted to Long"))
        #expect(await harness.error("CreateTable", create(#""1""#, "1")) == .serialization("STRING_VALUE cannot be converted to Long"))
        // A Long's largest value is an integer, refused for its size by DynamoDB's own bound.
        #expect(await harness.error("CreateTable", create("9223372036854775807", "1"))
            == .validation("Given value 9223372036854775807 for ReadCapacityUnits is out of bounds"))
        #expect(await harness.error("CreateTable", create("1000000000001", "1"))
            == .validation("Given value 1000000000001 for ReadCapacityUnits is out of bounds"))
        #expect(await harness.error("CreateTable", create("0", "1"))
            == .validation("1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"))
        _ = await harness.success("CreateTable", create("1000000000000", "2147483648"))
        #expect(await harness.error("UpdateTable", #"{"TableName":"units","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":-1e2}}"#)
            == .serialization("DECIMAL_VALUE cannot be converted to Long"))
    }
}
