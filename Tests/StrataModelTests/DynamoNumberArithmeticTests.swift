import StrataModel
import Testing

struct DynamoNumberArithmeticTests {
    func number(_ text: String) -> DynamoNumber {
        try! DynamoNumber(parsing: text)
    }

    @Test(arguments: [
        ("1", "2", "3"), ("0.1", "0.2", "0.3"), ("-5", "3", "-2"), ("5", "-5", "0"), ("0", "-7.25", "-7.25"),
        ("999", "1", "1000"), ("1E+10", "1", "10000000001"), ("-0.001", "-0.009", "-0.01"), ("123.456", "-23.456", "100"),
        ("1E-129", "1E-129", "2E-129"),
        ("99999999999999999999999999999999999999", "-99999999999999999999999999999999999999", "0"),
    ])
    func adding(lhs: String, rhs: String, sum: String) throws {
        #expect(try number(lhs).adding(number(rhs)) == number(sum))
        #expect(try number(rhs).adding(number(lhs)) == number(sum))
        #expect(try number(sum).subtracting(number(rhs)) == number(lhs))
    }

    @Test func limits() throws {
        #expect(throws: DynamoNumber.ParseError.overflow) { try number("9.9E+125").adding(number("9.9E+125")) }
        #expect(throws: DynamoNumber.ParseError.overflow) { try number("-9.9E+125").subtracting(number("9.9E+125")) }
        #expect(throws: DynamoNumber.ParseError.overflow) { try number("1E+38").adding(number("1")) }
        #expect(throws: DynamoNumber.ParseError.underflow) { try number("1.5E-130").subtracting(number("1.4E-130")) }
        #expect(try number("99999999999999999999999999999999999999").adding(number("1")) == number("1E+38"))
    }

    @Test func negation() {
        #expect(number("4.5").negated == number("-4.5"))
        #expect(DynamoNumber.zero.negated == .zero)
        #expect(!DynamoNumber.zero.negated.isNegative)
    }
}
