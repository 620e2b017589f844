/// Request ids in DynamoDB's shape: 52 characters of A-Z and 0-9.
enum RequestID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 52)
        var bits: UInt64 = 0
        for i in 0..<52 {
            if i % 10 == 0 { bits = generator.next() }
            bytes[i] = alphabet[Int(bits % 36)]
            bits /= 36
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
