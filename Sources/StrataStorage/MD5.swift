/// MD5 (RFC 1321), for the partition hash only: it is not used for security.
/// In Swift because the key is hashed on every item operation and OpenSSL's
/// EVP path (context set-up, provider lookup) costs several times the digest
/// itself for a key of a few dozen bytes. Tests check it against OpenSSL.
enum MD5 {
    /// The first eight bytes of the digest of `message`, big-endian.
    static func prefix64(of message: UnsafeRawBufferPointer) -> UInt64 {
        var state = State()
        var block = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let full = message.count / 64
        for index in 0..<full {
            withUnsafeMutableBytes(of: &block) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: message[index * 64..<index * 64 + 64])) }
            state.compress(block)
        }
        // Padding: 0x80, zeros, then the bit length little-endian; one or two blocks.
        let rest = message.count - full * 64
        var tail = (block, block)
        withUnsafeMutableBytes(of: &tail) { bytes in
            bytes.initializeMemory(as: UInt8.self, repeating: 0)
            bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: message[full * 64..<message.count]))
            bytes[rest] = 0x80
            let lengthOffset = rest < 56 ? 56 : 120
            bytes.storeBytes(of: (UInt64(message.count) &* 8).littleEndian, toByteOffset: lengthOffset, as: UInt64.self)
        }
        state.compress(tail.0)
        if rest >= 56 { state.compress(tail.1) }
        // The digest is a, b, ... little-endian; its first eight bytes read big-endian.
        return UInt64(state.a.byteSwapped) << 32 | UInt64(state.b.byteSwapped)
    }

    /// The whole digest of a message given a piece at a time (an export's
    /// data file, for its manifest).
    struct Hasher {
        private var state = State()
        private var pending: [UInt8] = []
        private var length = 0

        mutating func update(_ bytes: some Collection<UInt8>) {
            pending.append(contentsOf: bytes)
            length += bytes.count
            let full = pending.count / 64 * 64
            guard full > 0 else { return }
            pending.withUnsafeBytes { raw in
                for offset in stride(from: 0, to: full, by: 64) { state.compress(MD5.block(raw, at: offset)) }
            }
            pending.removeFirst(full)
        }

        /// The 16 bytes of the digest.
        mutating func finish() -> [UInt8] {
            var tail: [UInt8] = [0x80] + [UInt8](repeating: 0, count: (pending.count < 56 ? 55 : 119) - pending.count)
            withUnsafeBytes(of: (UInt64(length) &* 8).littleEndian) { tail.append(contentsOf: $0) }
            let bits = length
            update(tail)
            length = bits
            var digest: [UInt8] = []
            for word in [state.a, state.b, state.c, state.d] { withUnsafeBytes(of: word.littleEndian) { digest.append(contentsOf: $0) } }
            return digest
        }
    }

    private static func block(_ raw: UnsafeRawBufferPointer, at offset: Int) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
        var block = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &block) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 64])) }
        return block
    }

    private struct State {
        var a: UInt32 = 0x6745_2301
        var b: UInt32 = 0xEFCD_AB89
        var c: UInt32 = 0x98BA_DCFE
        var d: UInt32 = 0x1032_5476

        private static let shifts: [UInt32] = [
            7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
            5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
        ]

        /// floor(abs(sin(i + 1)) * 2^32)
        private static let constants: [UInt32] = [
            0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
            0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
            0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
            0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
            0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
            0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
            0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
            0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
        ]

        mutating func compress(_ block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) {
            var block = block
            withUnsafeBytes(of: &block) { bytes in
                var (a, b, c, d) = (self.a, self.b, self.c, self.d)
                for i in 0..<64 {
                    var f: UInt32
                    let g: Int
                    switch i {
                    case 0..<16: f = (b & c) | (~b & d); g = i
                    case 16..<32: f = (d & b) | (~d & c); g = (5 &* i &+ 1) & 15
                    case 32..<48: f = b ^ c ^ d; g = (3 &* i &+ 5) & 15
                    default: f = c ^ (b | ~d); g = (7 &* i) & 15
                    }
                    f = f &+ a &+ Self.constants[i] &+ UInt32(littleEndian: bytes.load(fromByteOffset: g * 4, as: UInt32.self))
                    a = d
                    d = c
                    c = b
                    let s = Self.shifts[i]
                    b = b &+ (f << s | f >> (32 - s))
                }
                self.a &+= a
                self.b &+= b
                self.c &+= c
                self.d &+= d
            }
        }
    }
}
