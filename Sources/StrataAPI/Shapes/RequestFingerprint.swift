import StrataModel

/// A digest of part of a request that does not depend on the order of JSON
/// object members, so that a client token can recognise the same request
/// sent again, however its SDK serialised it.
enum RequestFingerprint {
    static func of(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(canonical(value))
        // Two 64-bit FNV-1a sums with different seeds: a repeat check, not a
        // defence against a client that forges collisions with itself.
        return digest(writer.bytes, seed: 0xcbf2_9ce4_8422_2325) + digest(writer.bytes, seed: 0x8422_2325_cbf2_9ce4)
    }

    private static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            let sorted = object.members
                .map { (key: $0.key, value: canonical($0.value)) }
                .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            return .object(JSONObject(sorted))
        case .array(let elements):
            return .array(elements.map(canonical))
        default:
            return value
        }
    }

    private static func digest(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * $0)) }
    }
}
