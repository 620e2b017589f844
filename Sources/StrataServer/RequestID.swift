/// Request ids in DynamoDB's shape: 52 characters of A-Z and 0-9. They only
/// need to be unique enough to find a request in a log, so they come from a
/// per-thread xorshift generator seeded once, not from the kernel's entropy.
enum RequestID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// One generator per event-loop thread (see `RequestHandler`).
    struct Generator {
        private var state: UInt64

        init() {
            var seed = SystemRandomNumberGenerator()
            state = seed.next() | 1
        }

        private mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }

        mutating func make() -> String {
            var bytes = [UInt8](repeating: 0, count: 52)
            var bits: UInt64 = 0
            for i in 0..<52 {
                if i % 12 == 0 { bits = next() }
                bytes[i] = RequestID.alphabet[Int(bits % 36)]
                bits /= 36
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
