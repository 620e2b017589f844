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

        // The four rounds' steps (RFC 1321, 3.4): a = b + ((a + F(b,c,d) + X[k] + T[i]) <<< s),
        // written out with their constants, as the RFC lists them; a loop
        // over tables cost four times as many instructions.
        @inline(__always)
        private static func step(_ a: UInt32, _ b: UInt32, _ mixed: UInt32, _ word: UInt32, _ constant: UInt32, _ shift: UInt32) -> UInt32 {
            let sum = a &+ mixed &+ word &+ constant
            return b &+ (sum << shift | sum >> (32 - shift))
        }

        @inline(__always)
        private static func f(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ t: UInt32, _ s: UInt32) -> UInt32 {
            step(a, b, (b & c) | (~b & d), x, t, s)
        }

        @inline(__always)
        private static func g(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ t: UInt32, _ s: UInt32) -> UInt32 {
            step(a, b, (d & b) | (~d & c), x, t, s)
        }

        @inline(__always)
        private static func h(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ t: UInt32, _ s: UInt32) -> UInt32 {
            step(a, b, b ^ c ^ d, x, t, s)
        }

        @inline(__always)
        private static func i(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ t: UInt32, _ s: UInt32) -> UInt32 {
            step(a, b, c ^ (b | ~d), x, t, s)
        }

        mutating func compress(_ block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) {
            var (a, b, c, d) = (self.a, self.b, self.c, self.d)
            withUnsafeBytes(of: block) { raw in
                // The block's sixteen little-endian words.
                func x(_ k: Int) -> UInt32 { UInt32(littleEndian: raw.load(fromByteOffset: k * 4, as: UInt32.self)) }
                a = Self.f(a, b, c, d, x(0), 0xd76a_a478, 7)
                d = Self.f(d, a, b, c, x(1), 0xe8c7_b756, 12)
                c = Self.f(c, d, a, b, x(2), 0x2420_70db, 17)
                b = Self.f(b, c, d, a, x(3), 0xc1bd_ceee, 22)
                a = Self.f(a, b, c, d, x(4), 0xf57c_0faf, 7)
                d = Self.f(d, a, b, c, x(5), 0x4787_c62a, 12)
                c = Self.f(c, d, a, b, x(6), 0xa830_4613, 17)
                b = Self.f(b, c, d, a, x(7), 0xfd46_9501, 22)
                a = Self.f(a, b, c, d, x(8), 0x6980_98d8, 7)
                d = Self.f(d, a, b, c, x(9), 0x8b44_f7af, 12)
                c = Self.f(c, d, a, b, x(10), 0xffff_5bb1, 17)
                b = Self.f(b, c, d, a, x(11), 0x895c_d7be, 22)
                a = Self.f(a, b, c, d, x(12), 0x6b90_1122, 7)
                d = Self.f(d, a, b, c, x(13), 0xfd98_7193, 12)
                c = Self.f(c, d, a, b, x(14), 0xa679_438e, 17)
                b = Self.f(b, c, d, a, x(15), 0x49b4_0821, 22)
                a = Self.g(a, b, c, d, x(1), 0xf61e_2562, 5)
                d = Self.g(d, a, b, c, x(6), 0xc040_b340, 9)
                c = Self.g(c, d, a, b, x(11), 0x265e_5a51, 14)
                b = Self.g(b, c, d, a, x(0), 0xe9b6_c7aa, 20)
                a = Self.g(a, b, c, d, x(5), 0xd62f_105d, 5)
                d = Self.g(d, a, b, c, x(10), 0x0244_1453, 9)
                c = Self.g(c, d, a, b, x(15), 0xd8a1_e681, 14)
                b = Self.g(b, c, d, a, x(4), 0xe7d3_fbc8, 20)
                a = Self.g(a, b, c, d, x(9), 0x21e1_cde6, 5)
                d = Self.g(d, a, b, c, x(14), 0xc337_07d6, 9)
                c = Self.g(c, d, a, b, x(3), 0xf4d5_0d87, 14)
                b = Self.g(b, c, d, a, x(8), 0x455a_14ed, 20)
                a = Self.g(a, b, c, d, x(13), 0xa9e3_e905, 5)
                d = Self.g(d, a, b, c, x(2), 0xfcef_a3f8, 9)
                c = Self.g(c, d, a, b, x(7), 0x676f_02d9, 14)
                b = Self.g(b, c, d, a, x(12), 0x8d2a_4c8a, 20)
                a = Self.h(a, b, c, d, x(5), 0xfffa_3942, 4)
                d = Self.h(d, a, b, c, x(8), 0x8771_f681, 11)
                c = Self.h(c, d, a, b, x(11), 0x6d9d_6122, 16)
                b = Self.h(b, c, d, a, x(14), 0xfde5_380c, 23)
                a = Self.h(a, b, c, d, x(1), 0xa4be_ea44, 4)
                d = Self.h(d, a, b, c, x(4), 0x4bde_cfa9, 11)
                c = Self.h(c, d, a, b, x(7), 0xf6bb_4b60, 16)
                b = Self.h(b, c, d, a, x(10), 0xbebf_bc70, 23)
                a = Self.h(a, b, c, d, x(13), 0x289b_7ec6, 4)
                d = Self.h(d, a, b, c, x(0), 0xeaa1_27fa, 11)
                c = Self.h(c, d, a, b, x(3), 0xd4ef_3085, 16)
                b = Self.h(b, c, d, a, x(6), 0x0488_1d05, 23)
                a = Self.h(a, b, c, d, x(9), 0xd9d4_d039, 4)
                d = Self.h(d, a, b, c, x(12), 0xe6db_99e5, 11)
                c = Self.h(c, d, a, b, x(15), 0x1fa2_7cf8, 16)
                b = Self.h(b, c, d, a, x(2), 0xc4ac_5665, 23)
                a = Self.i(a, b, c, d, x(0), 0xf429_2244, 6)
                d = Self.i(d, a, b, c, x(7), 0x432a_ff97, 10)
                c = Self.i(c, d, a, b, x(14), 0xab94_23a7, 15)
                b = Self.i(b, c, d, a, x(5), 0xfc93_a039, 21)
                a = Self.i(a, b, c, d, x(12), 0x655b_59c3, 6)
                d = Self.i(d, a, b, c, x(3), 0x8f0c_cc92, 10)
                c = Self.i(c, d, a, b, x(10), 0xffef_f47d, 15)
                b = Self.i(b, c, d, a, x(1), 0x8584_5dd1, 21)
                a = Self.i(a, b, c, d, x(8), 0x6fa8_7e4f, 6)
                d = Self.i(d, a, b, c, x(15), 0xfe2c_e6e0, 10)
                c = Self.i(c, d, a, b, x(6), 0xa301_4314, 15)
                b = Self.i(b, c, d, a, x(13), 0x4e08_11a1, 21)
                a = Self.i(a, b, c, d, x(4), 0xf753_7e82, 6)
                d = Self.i(d, a, b, c, x(11), 0xbd3a_f235, 10)
                c = Self.i(c, d, a, b, x(2), 0x2ad7_d2bb, 15)
                b = Self.i(b, c, d, a, x(9), 0xeb86_d391, 21)
            }
            self.a &+= a
            self.b &+= b
            self.c &+= c
            self.d &+= d
        }
    }
}
