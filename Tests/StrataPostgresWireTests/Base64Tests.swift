import Testing

@testable import StrataPostgresWire

/// Base64 against RFC 4648's vectors, round trips of every length
/// remainder, and the spellings strict decoding refuses.
@Suite struct Base64Tests {
    @Test func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(String(decoding: Base64.encode(Array(plain.utf8)), as: UTF8.self) == encoded)
            #expect(Base64.decode(Array(encoded.utf8)) == Array(plain.utf8))
        }
    }

    @Test func roundTripsEveryByteValueAndLength() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for length in 0...bytes.count {
            let slice = Array(bytes.prefix(length))
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
    }

    @Test(arguments: [
        "Zg=",  // not a whole group
        "Zg",  // no padding
        "Z===",  // three padding characters
        "====",
        "Zm9v=Zm9",  // padding inside
        "Zm9-",  // URL-safe alphabet
        "Zm9 ",  // space
        "Zm\n9v",  // line break
        "Zh==",  // unused bits not zero
        "Zm9=",  // unused bits not zero ("fo" is Zm8=)
        "Zm9vé===",
    ])
    func rejectsInvalidInput(text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }
}
