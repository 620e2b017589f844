import StrataModel
import Testing

@Suite struct DynamoNumberTests {
    @Test(arguments: [
        ("1", "1"), ("123", "123"), ("-5", "-5"), ("0", "0"), ("1000", "1000"),
        ("007", "7"), ("001.23", "1.23"), ("00", "0"), ("+3", "3"), ("+0", "0"), ("+1.5", "1.5"),
        ("1.0", "1"), ("1.10", "1.1"), ("100.000", "100"), ("0.0", "0"), ("0.10", "0.1"),
        ("1e3", "1000"), ("1E+3", "1000"), ("-3e2", "-300"), ("1.23e4", "12300"),
        ("1e-3", "0.001"), ("123e-2", "1.23"), ("1.23e-1", "0.123"), ("1.0e-1", "0.1"),
        ("-0", "0"), ("-0.0", "0"), ("0e5", "0"), ("0e-5", "0"),
        (".5", "0.5"), ("-.5", "-0.5"), ("5.", "5"), ("1e20", "100000000000000000000"),
        ("1e-20", "0.00000000000000000001"), ("-273.15", "-273.15"),
    ])
    func printsCanonicalPlainDecimal(input: String, expected: String) throws {
        #expect(try DynamoNumber(parsing: input).text == expected)
    }

    @Test func printsTheExtremesWithoutExponent() throws {
        #expect(try DynamoNumber(parsing: "1e125").text == "1" + String(repeating: "0", count: 125))
        #expect(try DynamoNumber(parsing: "1e-130").text == "0." + String(repeating: "0", count: 129) + "1")
        #expect(try DynamoNumber(parsing: "9.9999999999999999999999999999999999999E+125").digits.count == 38)
    }

    @Test(arguments: ["NaN", "Infinity", "-Infinity", "dog", " 1", "1 ", "", "-", "1e", "1e+", "1.2.3", "0x10", "--1", "e5", "."])
    func rejectsNonNumbers(input: String) {
        #expect(throws: DynamoNumber.ParseError.notANumber) { try DynamoNumber(parsing: input) }
    }

    @Test func messageNamesTheInput() {
        #expect(DynamoNumber.ParseError.notANumber.message(input: "dog") == "The parameter cannot be converted to a numeric value: dog")
    }

    @Test(arguments: [
        ("1e126", DynamoNumber.ParseError.overflow), ("11e125", .overflow), ("-1e126", .overflow),
        ("1e-131", .underflow), ("0.9e-130", .underflow), ("1.0e100000000", .overflow), ("1e-100000000", .underflow),
        ("1234567890123456789012345678901234567890", .tooManyDigits),
        ("3.14159265358979323846264338327950288419", .tooManyDigits),
    ])
    func enforcesDynamoLimits(input: String, error: DynamoNumber.ParseError) {
        #expect(throws: error) { try DynamoNumber(parsing: input) }
    }

    @Test func acceptsThirtyEightDigitsAndTrailingZeros() throws {
        #expect(try DynamoNumber(parsing: "31415926535897932384626433832795028841e30").digits.count == 38)
        #expect(try DynamoNumber(parsing: "1" + String(repeating: "0", count: 60)).digits == [1])
    }

    @Test func equalValuesAreEqualWhateverTheirSpelling() throws {
        let spellings = ["1000", "1e3", "1E+3", "1000.0", "001000", "+1000"]
        let numbers = try spellings.map { try DynamoNumber(parsing: $0) }
        #expect(Set(numbers).count == 1)
    }

    @Test func ordersByValue() throws {
        let sorted = ["-1e10", "-100", "-99.5", "-1", "-0.001", "0", "1e-130", "0.5", "1", "1.5", "2", "10", "1e125"]
        let numbers = try sorted.map { try DynamoNumber(parsing: $0) }
        for (a, b) in zip(numbers, numbers.dropFirst()) {
            #expect(a < b)
            #expect(!(b < a))
        }
    }

    @Test(arguments: [0, 1, -1, 42, -1000, 1234567890, Int.max, Int.min + 1])
    func convertsIntegersBothWays(value: Int) {
        let number = DynamoNumber(value)
        #expect(number.intValue == value)
        #expect(number.text == String(value))
    }
}
