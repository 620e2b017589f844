import StrataModel

/// The compact binary form of an item, as stored in a partition's value
/// column. The tags are on disk: never reorder or reuse them.
public enum ItemEncoding {
    enum Tag: UInt8 {
        case string = 0x01
        case number = 0x02
        case binary = 0x03
        case boolFalse = 0x04
        case boolTrue = 0x05
        case null = 0x06
        case map = 0x07
        case list = 0x08
        case stringSet = 0x09
        case numberSet = 0x0A
        case binarySet = 0x0B
    }

    /// Format version byte leading every stored item.
    static let version: UInt8 = 1

    public struct CorruptItem: Error {}

    /// `size`, the item's DynamoDB size, only sizes the buffer.
    public static func encode(_ item: Item, size: Int? = nil) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity((size ?? item.itemSize) + 16)
        appendMap(item, to: &out)
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws(CorruptItem) -> Item {
        try bytes.withUnsafeBufferPointer { buffer throws(CorruptItem) in
            var reader = Reader(buffer: buffer)
            guard try reader.byte() == version else { throw CorruptItem() }
            let item = try reader.map()
            guard reader.atEnd else { throw CorruptItem() }
            return item
        }
    }

    private static func appendVarint(_ value: Int, to out: inout [UInt8]) {
        var v = UInt64(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func appendBytes(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendVarint(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    private static func appendString(_ s: String, to out: inout [UInt8]) {
        appendBytes(s.utf8, to: &out)
    }

    private static func appendMap(_ map: [String: AttributeValue], to out: inout [UInt8]) {
        appendVarint(map.count, to: &out)
        for (name, value) in map {
            appendString(name, to: &out)
            appendValue(value, to: &out)
        }
    }

    private static func appendValue(_ value: AttributeValue, to out: inout [UInt8]) {
        switch value {
        case .s(let s):
            out.append(Tag.string.rawValue)
            appendString(s, to: &out)
        case .n(let n):
            out.append(Tag.number.rawValue)
            appendString(n.text, to: &out)
        case .b(let b):
            out.append(Tag.binary.rawValue)
            appendBytes(b, to: &out)
        case .bool(let b):
            out.append(b ? Tag.boolTrue.rawValue : Tag.boolFalse.rawValue)
        case .null:
            out.append(Tag.null.rawValue)
        case .m(let map):
            out.append(Tag.map.rawValue)
            appendMap(map, to: &out)
        case .l(let list):
            out.append(Tag.list.rawValue)
            appendVarint(list.count, to: &out)
            for element in list { appendValue(element, to: &out) }
        case .ss(let set):
            out.append(Tag.stringSet.rawValue)
            appendVarint(set.count, to: &out)
            for member in set { appendString(member, to: &out) }
        case .ns(let set):
            out.append(Tag.numberSet.rawValue)
            appendVarint(set.count, to: &out)
            for member in set { appendString(member.text, to: &out) }
        case .bs(let set):
            out.append(Tag.binarySet.rawValue)
            appendVarint(set.count, to: &out)
            for member in set { appendBytes(member, to: &out) }
        }
    }

    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index == buffer.count }

        mutating func byte() throws(CorruptItem) -> UInt8 {
            guard index < buffer.count else { throw CorruptItem() }
            defer { index += 1 }
            return buffer[index]
        }

        mutating func varint() throws(CorruptItem) -> Int {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
                guard shift < 64 else { throw CorruptItem() }
            }
            guard result <= UInt64(buffer.count) else { throw CorruptItem() }
            return Int(result)
        }

        mutating func bytes() throws(CorruptItem) -> UnsafeBufferPointer<UInt8> {
            let count = try varint()
            guard index + count <= buffer.count else { throw CorruptItem() }
            defer { index += count }
            return UnsafeBufferPointer(rebasing: buffer[index..<index + count])
        }

        mutating func string() throws(CorruptItem) -> String {
            String(decoding: try bytes(), as: UTF8.self)
        }

        mutating func number() throws(CorruptItem) -> DynamoNumber {
            do {
                return try DynamoNumber(parsing: try string())
            } catch {
                throw CorruptItem()
            }
        }

        mutating func map() throws(CorruptItem) -> [String: AttributeValue] {
            let count = try varint()
            var map: [String: AttributeValue] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let name = try string()
                map[name] = try value()
            }
            return map
        }

        mutating func value() throws(CorruptItem) -> AttributeValue {
            guard let tag = Tag(rawValue: try byte()) else { throw CorruptItem() }
            switch tag {
            case .string: return .s(try string())
            case .number: return .n(try number())
            case .binary: return .b(Array(try bytes()))
            case .boolFalse: return .bool(false)
            case .boolTrue: return .bool(true)
            case .null: return .null
            case .map: return .m(try map())
            case .list:
                let count = try varint()
                var list: [AttributeValue] = []
                list.reserveCapacity(count)
                for _ in 0..<count { list.append(try value()) }
                return .l(list)
            case .stringSet:
                let count = try varint()
                var set: [String] = []
                for _ in 0..<count { set.append(try string()) }
                return .ss(set)
            case .numberSet:
                let count = try varint()
                var set: [DynamoNumber] = []
                for _ in 0..<count { set.append(try number()) }
                return .ns(set)
            case .binarySet:
                let count = try varint()
                var set: [[UInt8]] = []
                for _ in 0..<count { set.append(Array(try bytes())) }
                return .bs(set)
            }
        }
    }
}
