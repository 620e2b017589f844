/// Standard base64 (RFC 4648 with padding), the encoding of B values on the wire.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ bytes: some RandomAccessCollection<UInt8>, into out: inout [UInt8]) {
        let bytes = Array(bytes)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded base64; nil for anything malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let isLast = i + 4 == input.count
            let c0 = decodeTable[Int(input[i])], c1 = decodeTable[Int(input[i + 1])]
            guard c0 != 0xFF, c1 != 0xFF else { return nil }
            if isLast, input[i + 2] == UInt8(ascii: "="), input[i + 3] == UInt8(ascii: "=") {
                guard c1 & 0x0F == 0 else { return nil }
                out.append(c0 << 2 | c1 >> 4)
                break
            }
            let c2 = decodeTable[Int(input[i + 2])]
            guard c2 != 0xFF else { return nil }
            if isLast, input[i + 3] == UInt8(ascii: "=") {
                guard c2 & 0x03 == 0 else { return nil }
                out.append(c0 << 2 | c1 >> 4)
                out.append(c1 << 4 | c2 >> 2)
                break
            }
            let c3 = decodeTable[Int(input[i + 3])]
            guard c3 != 0xFF else { return nil }
            out.append(c0 << 2 | c1 >> 4)
            out.append(c1 << 4 | c2 >> 2)
            out.append(c2 << 6 | c3)
            i += 4
        }
        return out
    }
}
