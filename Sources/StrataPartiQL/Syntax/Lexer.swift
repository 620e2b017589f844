/// Splits a statement into tokens. Never fails: what starts no token
/// becomes an `.invalid` token, which the parser reports.
enum Lexer {
    static func tokenize(_ text: String) -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var position = 0
        func emit(_ kind: Token.Kind, from start: Int, text value: String? = nil) {
            tokens.append(Token(kind: kind, text: value ?? string(bytes[start..<position]), range: start..<position))
        }
        func next(is byte: Character) -> Bool {
            position < bytes.count && bytes[position] == byte.asciiValue!
        }
        while position < bytes.count {
            let start = position
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "-") where next(is: "-"):
                // A comment runs to the end of the line,
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "/") where next(is: "*"):
                // or to its `*/`.
                position += 1
                while position < bytes.count, !(bytes[position - 1] == UInt8(ascii: "*") && bytes[position] == UInt8(ascii: "/") && position - start > 2) {
                    position += 1
                }
                if position >= bytes.count { emit(.invalid, from: start) } else { position += 1 }
            case _ where isLetter(byte) || byte == UInt8(ascii: "_"):
                while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
                emit(.word, from: start)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                position = numberEnd(bytes, from: start)
                emit(.number, from: start)
            case UInt8(ascii: ".") where position < bytes.count && isDigit(bytes[position]):
                position = numberEnd(bytes, from: start)
                emit(.number, from: start)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // A quote inside is written twice.
                var value: [UInt8] = []
                var closed = false
                while position < bytes.count {
                    let current = bytes[position]
                    position += 1
                    if current == byte {
                        if position < bytes.count, bytes[position] == byte {
                            value.append(byte)
                            position += 1
                            continue
                        }
                        closed = true
                        break
                    }
                    value.append(current)
                }
                if closed {
                    emit(byte == UInt8(ascii: "'") ? .string : .quotedName, from: start, text: string(value[...]))
                } else {
                    emit(.invalid, from: start)
                }
            case UInt8(ascii: "?"): emit(.parameter, from: start)
            case UInt8(ascii: "."): emit(.dot, from: start)
            case UInt8(ascii: ","): emit(.comma, from: start)
            case UInt8(ascii: ":"): emit(.colon, from: start)
            case UInt8(ascii: ";"): emit(.semicolon, from: start)
            case UInt8(ascii: "*"): emit(.star, from: start)
            case UInt8(ascii: "("): emit(.leftParen, from: start)
            case UInt8(ascii: ")"): emit(.rightParen, from: start)
            case UInt8(ascii: "["): emit(.leftBracket, from: start)
            case UInt8(ascii: "]"): emit(.rightBracket, from: start)
            case UInt8(ascii: "{"): emit(.leftBrace, from: start)
            case UInt8(ascii: "}"): emit(.rightBrace, from: start)
            case UInt8(ascii: "="): emit(.equal, from: start)
            case UInt8(ascii: "+"): emit(.plus, from: start)
            case UInt8(ascii: "-"): emit(.minus, from: start)
            case UInt8(ascii: "!") where next(is: "="):
                position += 1
                emit(.notEqual, from: start)
            case UInt8(ascii: "<"):
                if next(is: "=") {
                    position += 1
                    emit(.lessOrEqual, from: start)
                } else if next(is: ">") {
                    position += 1
                    emit(.notEqual, from: start)
                } else if next(is: "<") {
                    position += 1
                    emit(.leftAngles, from: start)
                } else {
                    emit(.less, from: start)
                }
            case UInt8(ascii: ">"):
                if next(is: "=") {
                    position += 1
                    emit(.greaterOrEqual, from: start)
                } else if next(is: ">") {
                    position += 1
                    emit(.rightAngles, from: start)
                } else {
                    emit(.greater, from: start)
                }
            default:
                // Keep a multi-byte character whole so messages stay valid UTF-8.
                while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
                emit(.invalid, from: start)
            }
        }
        tokens.append(Token(kind: .end, text: "<EOF>", range: bytes.count..<bytes.count))
        return tokens
    }

    /// Where a number starting at `start` ends: digits, a fraction, an exponent.
    private static func numberEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var position = start
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var exponent = position + 1
            if exponent < bytes.count, bytes[exponent] == UInt8(ascii: "+") || bytes[exponent] == UInt8(ascii: "-") { exponent += 1 }
            if exponent < bytes.count, isDigit(bytes[exponent]) {
                position = exponent
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
        }
        return position
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
    }
}
