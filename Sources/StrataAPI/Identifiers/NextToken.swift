import StrataModel

/// ExecuteStatement's NextToken: where a SELECT's reading stopped, as
/// base64 JSON. `request` counts the Queries of a SELECT of several
/// partition-key values; `key` is the LastEvaluatedKey of the Query or
/// Scan there, or nil to start that one from its beginning. `statement`
/// fingerprints the statement and its parameters: a token serves only the
/// request that made it.
struct NextToken: Equatable {
    let statement: UInt64
    let request: Int
    let key: Item?

    var text: String {
        var writer = JSONWriter()
        writer.raw("{\"Statement\":")
        writer.string(String(statement, radix: 16))
        writer.raw(",\"Request\":")
        writer.int(request)
        if let key {
            writer.raw(",\"Key\":")
            writer.item(key)
        }
        writer.raw("}")
        return Base64.encode(writer.bytes)
    }

    init(statement: UInt64, request: Int, key: Item?) {
        self.statement = statement
        self.request = request
        self.key = key
    }

    init(_ text: String) throws(DynamoError) {
        let invalid = DynamoError.validation("Invalid NextToken")
        guard let bytes = Base64.decode(text), case .object(let object)? = try? JSONParser.parse(bytes),
            case .string(let statement)? = object["Statement"], let fingerprint = UInt64(statement, radix: 16),
            case .number(let number)? = object["Request"], let request = Int(number), request >= 0
        else { throw invalid }
        self.statement = fingerprint
        self.request = request
        if let key = object["Key"] {
            guard let item = try? Item(itemJSON: key) else { throw invalid }
            self.key = item
        } else {
            self.key = nil
        }
    }

    /// FNV-1a over the statement's text and its parameters' wire form,
    /// map members in name order so that the fingerprint outlives a restart.
    static func fingerprint(_ statement: StatementInput) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        func mix(_ value: AttributeValue) {
            switch value {
            case .m(let map):
                mix("{")
                for name in map.keys.sorted() {
                    mix(name)
                    mix(map[name]!)
                }
                mix("}")
            case .l(let list):
                mix("[")
                list.forEach(mix)
                mix("]")
            default:
                var writer = JSONWriter()
                writer.attributeValue(value)
                mix(String(decoding: writer.bytes, as: UTF8.self))
            }
        }
        mix(statement.text)
        statement.parameters.forEach(mix)
        return hash
    }
}
