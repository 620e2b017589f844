/// Splits an expression into tokens. Never fails: a character that starts no
/// token becomes an `.invalid` token, which the parser reports as a syntax
/// error in DynamoDB's form.
enum Lexer {
    static func tokenize(_ text: String) -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var position = 0
        func emit(_ kind: Token.Kind, from start: Int) {
            tokens.append(Token(kind: kind, text: Self.slice(text, start..<position), range: start..<position))
        }
        while position < bytes.count {
            let start = position
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case _ where isLetter(byte):
                while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
                emit(.identifier, from: start)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
                emit(.integer, from: start)
            case UInt8(ascii: "#"), UInt8(ascii: ":"):
                while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
                if position - start == 1 {
                    emit(.invalid, from: start)
                } else {
                    emit(byte == UInt8(ascii: "#") ? .nameReference : .valueReference, from: start)
                }
            case UInt8(ascii: "."): emit(.dot, from: start)
            case UInt8(ascii: ","): emit(.comma, from: start)
            case UInt8(ascii: "("): emit(.leftParen, from: start)
            case UInt8(ascii: ")"): emit(.rightParen, from: start)
            case UInt8(ascii: "["): emit(.leftBracket, from: start)
            case UInt8(ascii: "]"): emit(.rightBracket, from: start)
            case UInt8(ascii: "="): emit(.equal, from: start)
            case UInt8(ascii: "+"): emit(.plus, from: start)
            case UInt8(ascii: "-"): emit(.minus, from: start)
            case UInt8(ascii: "<"):
                if position < bytes.count, bytes[position] == UInt8(ascii: "=") {
                    position += 1
                    emit(.lessOrEqual, from: start)
                } else if position < bytes.count, bytes[position] == UInt8(ascii: ">") {
                    position += 1
                    emit(.notEqual, from: start)
                } else {
                    emit(.less, from: start)
                }
            case UInt8(ascii: ">"):
                if position < bytes.count, bytes[position] == UInt8(ascii: "=") {
                    position += 1
                    emit(.greaterOrEqual, from: start)
                } else {
                    emit(.greater, from: start)
                }
            default:
                // Keep a multi-byte character whole so error messages stay valid UTF-8.
                while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
                emit(.invalid, from: start)
            }
        }
        tokens.append(Token(kind: .end, text: "<EOF>", range: bytes.count..<bytes.count))
        return tokens
    }

    /// The text of a byte range. Token boundaries always fall on character
    /// boundaries, so this never splits a character.
    static func slice(_ text: String, _ range: Range<Int>) -> Substring {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let upper = utf8.index(lower, offsetBy: range.count)
        return text[lower..<upper]
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_")
    }
}
