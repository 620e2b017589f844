import StrataModel
import StrataStorage
import Testing

@Suite struct ItemEncodingTests {
    static func randomValue(depth: Int, _ rng: inout some RandomNumberGenerator) -> AttributeValue {
        let choice = Int.random(in: 0..<(depth > 3 ? 9 : 11), using: &rng)
        func text() -> String { String((0..<Int.random(in: 0...8, using: &rng)).map { _ in ["a", "é", "\u{0}", "\"", "z"].randomElement(using: &rng)! }) }
        func number() -> DynamoNumber { DynamoNumber(Int.random(in: -1_000_000...1_000_000, using: &rng)) }
        func bytes() -> [UInt8] { (0..<Int.random(in: 0...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        switch choice {
        case 0: return .s(text())
        case 1: return .n(number())
        case 2: return .b(bytes())
        case 3: return .bool(Bool.random(using: &rng))
        case 4: return .null
        case 5: return .ss(Array(Set((0..<Int.random(in: 1...4, using: &rng)).map { _ in text() })))
        case 6: return .ns(Array(Set((0..<Int.random(in: 1...4, using: &rng)).map { _ in number() })))
        case 7: return .bs(Array(Set((0..<Int.random(in: 1...4, using: &rng)).map { _ in bytes() })))
        case 8: return .s(String(repeating: "x", count: Int.random(in: 100...3000, using: &rng)))
        case 9:
            var map: [String: AttributeValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { map[text() + "k"] = randomValue(depth: depth + 1, &rng) }
            return .m(map)
        default:
            return .l((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(depth: depth + 1, &rng) })
        }
    }

    static func randomItem(_ rng: inout some RandomNumberGenerator) -> Item {
        var item: Item = [:]
        for i in 0..<Int.random(in: 0...8, using: &rng) { item["attr\(i)"] = randomValue(depth: 0, &rng) }
        return item
    }

    @Test func roundTripsRandomItems() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let item = Self.randomItem(&rng)
            #expect(try ItemEncoding.decode(ItemEncoding.encode(item)) == item)
        }
    }

    @Test func rejectsCorruptBytesWithoutCrashing() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = ItemEncoding.encode(Self.randomItem(&rng))
            if bytes.count > 1 {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            }
            _ = try? ItemEncoding.decode(bytes)
        }
        #expect(throws: ItemEncoding.CorruptItem.self) { try ItemEncoding.decode([]) }
        #expect(throws: ItemEncoding.CorruptItem.self) { try ItemEncoding.decode([99]) }
    }

    @Test func transcodesStoredBytesToTheSameJSONAsTheDecodedItem() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let item = Self.randomItem(&rng)
            var writer = JSONWriter()
            try ItemEncoding.writeJSON(ItemEncoding.encode(item), to: &writer)
            #expect(try Item(itemJSON: JSONParser.parse(writer.bytes)) == item)
        }
    }

    @Test func transcodingCorruptBytesNeverCrashes() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = ItemEncoding.encode(Self.randomItem(&rng))
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[i] = UInt8.random(in: 0...255, using: &rng)
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            // Number text and UTF-8 are not re-validated on the way out
            // (the integrity checker decodes every item); whatever decodes
            // also transcodes.
            var writer = JSONWriter()
            let transcodes = (try? ItemEncoding.writeJSON(bytes, to: &writer)) != nil
            if (try? ItemEncoding.decode(bytes)) != nil { #expect(transcodes) }
        }
    }
}
