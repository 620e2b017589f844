@testable import StrataStorage
import Testing

/// Encoded keys compare as SQLite compares BLOBs: byte by byte as
/// unsigned values, a key before every longer key it begins.
@Suite struct KeyOrderTests {
    @Test func bytesCompareUnsignedAndAPrefixComesFirst() {
        #expect([UInt8]().sortsBefore([0]))
        #expect(![UInt8]().sortsBefore([]))
        #expect([1, 2].sortsBefore([1, 2, 0]))
        #expect(![1, 2, 0].sortsBefore([1, 2]))
        #expect([0x7F].sortsBefore([0x80]))
        #expect([1, 0xFF, 0xFF].sortsBefore([2]))
        #expect(![3, 4].sortsBefore([3, 4]))
    }

    @Test func itAgreesWithLexicographicOrderOnRandomKeys() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // Short keys over few byte values, so that equal prefixes are common.
            let a = (0..<Int.random(in: 0...4, using: &generator)).map { _ in UInt8.random(in: 0...2, using: &generator) * 127 }
            let b = (0..<Int.random(in: 0...4, using: &generator)).map { _ in UInt8.random(in: 0...2, using: &generator) * 127 }
            #expect(a.sortsBefore(b) == a.lexicographicallyPrecedes(b), "\(a) against \(b)")
        }
    }
}
